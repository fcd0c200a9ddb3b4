using FluidManager.Runtime.Activities;

namespace FluidManager.Grains.Memory;

/// <summary>
/// The item to embed: its content as written, and, for a lesson from a person's feedback, the reason it carries (so
/// that, once it has its vector, an earlier lesson close in meaning proposes the reason as a playbook instruction).
/// </summary>
public sealed record MemoryEmbedInput(long CompanyId, long AgentId, long ItemId, string Content, string? FeedbackReason = null);

/// <summary>The vector of an item's content and the model that made it; a null vector when this process has no embedding model.</summary>
public sealed record MemoryEmbedResult(long CompanyId, long AgentId, long ItemId, string Content, float[]? Vector, string? Model, string? FeedbackReason = null);

/// <summary>
/// Activity <c>memory.embed</c>: computes the vector of a memory item outside any turn. It has no side effect: the
/// agent's memory grain writes the vector when it receives the outcome, only while the item still holds the content
/// embedded, so a retry or a late outcome changes nothing twice. A failing model is retried (the runtime's backoff).
/// </summary>
public sealed class MemoryEmbedActivity(IServiceProvider services) : ActivityHandler<MemoryEmbedInput, MemoryEmbedResult>
{
    public const string ActivityKind = "memory.embed";

    public override string Kind => ActivityKind;

    protected override async Task<MemoryEmbedResult> ExecuteAsync(MemoryEmbedInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (vector, model) = await MemoryStore.EmbedAsync(services, input.Content, cancellationToken);
        return new MemoryEmbedResult(input.CompanyId, input.AgentId, input.ItemId, input.Content, vector, model, input.FeedbackReason);
    }
}
