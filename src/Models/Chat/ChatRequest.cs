namespace FluidManager.Models;

/// <summary>One call to a chat model.</summary>
public sealed record ChatRequest
{
    /// <summary>
    /// The model id the caller means, such as <c>offline</c> or <c>openai:gpt-4o-mini</c>. Optional:
    /// the model resolved by <see cref="IChatModelProvider"/> is bound to its id; when set, it must name
    /// that same model.
    /// </summary>
    public string? Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The tools the model may call. Empty: the model answers with text only.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public float? Temperature { get; init; }

    /// <summary>Upper bound of the answer's length, also used to reserve budget before the call. Default 1024.</summary>
    public int MaxOutputTokens { get; init; } = 1024;

    /// <summary>Sampling seed: sent to providers that support it and mixed into the offline model's choices.</summary>
    public long? Seed { get; init; }

    /// <summary>Free text that ties the call to its caller in logs (an activity or task id); never changes the answer.</summary>
    public string? CorrelationId { get; init; }
}
