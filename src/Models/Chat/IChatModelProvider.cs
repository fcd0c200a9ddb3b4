using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>Resolves model ids to chat clients, enforcing the allowed list (the CEO's policy).</summary>
public interface IChatModelProvider
{
    /// <summary>The model used when an agent names none (<c>Fluid:Models:Default</c>).</summary>
    string DefaultModel { get; }

    /// <summary>The allowed model ids and patterns (<c>Fluid:Models:Allowed</c>), such as <c>offline</c> or <c>openai:*</c>.</summary>
    IReadOnlyList<string> Allowed { get; }

    /// <summary>
    /// The chat client for <paramref name="modelId"/> (null or empty: the default). Ids are
    /// <c>offline</c>, <c>scripted:&lt;scenario&gt;</c>, <c>openai:&lt;model&gt;</c>, <c>azure:&lt;deployment&gt;</c>; a bare
    /// name such as <c>gpt-4o-mini</c> means <c>openai:gpt-4o-mini</c>. <paramref name="companyAllowed"/> narrows
    /// the global list for one company (null or empty: no narrowing). Throws <see cref="ModelNotAllowedException"/>
    /// naming the allowed ids, or <see cref="ModelConfigurationException"/> naming the setting to add.
    /// <para>
    /// The client never runs tools (no function-invoking middleware): an answer's tool calls come back to the
    /// caller as <see cref="FunctionCallContent"/>. Every answer carries its token usage (counted with the
    /// model's tokenizer when the provider reports none); calls are traced under <see cref="ModelTelemetry.SourceName"/>.
    /// A provider that fails for good throws <see cref="ModelCallException"/>; cancellation throws
    /// <see cref="OperationCanceledException"/>.
    /// </para>
    /// </summary>
    IChatClient Resolve(string? modelId, IReadOnlyCollection<string>? companyAllowed = null);

    /// <summary>Whether <paramref name="modelId"/> passes the global list and <paramref name="companyAllowed"/>.</summary>
    bool IsAllowed(string modelId, IReadOnlyCollection<string>? companyAllowed = null);
}
