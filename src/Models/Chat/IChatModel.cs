namespace FluidManager.Models;

/// <summary>A chat model: the offline model, a scripted scenario or an OpenAI-compatible endpoint.</summary>
public interface IChatModel
{
    /// <summary>
    /// Sends the conversation and returns the model's answer. Throws <see cref="ModelCallException"/>
    /// when the provider fails for good (retries exhausted, timeout, refused request) and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken);
}

/// <summary>Resolves model ids to models, enforcing the allowed list (the CEO's policy).</summary>
public interface IChatModelProvider
{
    /// <summary>The model used when an agent names none (<c>Fluid:Models:Default</c>).</summary>
    string DefaultModel { get; }

    /// <summary>The allowed model ids and patterns (<c>Fluid:Models:Allowed</c>), such as <c>offline</c> or <c>openai:*</c>.</summary>
    IReadOnlyList<string> Allowed { get; }

    /// <summary>
    /// The model for <paramref name="modelId"/> (null or empty: the default). Ids are
    /// <c>offline</c>, <c>scripted:&lt;scenario&gt;</c>, <c>openai:&lt;model&gt;</c>; a bare name such as
    /// <c>gpt-4o-mini</c> means <c>openai:gpt-4o-mini</c>. <paramref name="companyAllowed"/> narrows the
    /// global list for one company (null or empty: no narrowing). Throws <see cref="ModelNotAllowedException"/>
    /// naming the allowed ids, or <see cref="ModelConfigurationException"/> naming the setting to add.
    /// </summary>
    IChatModel Resolve(string? modelId, IReadOnlyCollection<string>? companyAllowed = null);

    /// <summary>Whether <paramref name="modelId"/> passes the global list and <paramref name="companyAllowed"/>.</summary>
    bool IsAllowed(string modelId, IReadOnlyCollection<string>? companyAllowed = null);
}
