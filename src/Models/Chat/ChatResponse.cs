namespace FluidManager.Models;

/// <summary>Why a model stopped writing.</summary>
public enum FinishReason
{
    /// <summary>The answer is complete.</summary>
    Stop,

    /// <summary>The model wants tools run; see <see cref="ChatResponse.ToolCalls"/>.</summary>
    ToolCalls,

    /// <summary>The answer hit <see cref="ChatRequest.MaxOutputTokens"/>.</summary>
    Length,

    /// <summary>The provider withheld the answer.</summary>
    ContentFilter,
}

/// <summary>Tokens read and written by one call.</summary>
public readonly record struct Usage(int InputTokens, int OutputTokens)
{
    public int TotalTokens => InputTokens + OutputTokens;

    public static Usage operator +(Usage left, Usage right) =>
        new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens);

    public static Usage Add(Usage left, Usage right) => left + right;
}

/// <summary>What a chat model answered.</summary>
public sealed record ChatResponse
{
    /// <summary>The model id that answered, as the catalogue knows it (for pricing): <c>offline</c>, <c>openai:gpt-4o-mini</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The assistant's text; may be empty when it only calls tools.</summary>
    public string Text { get; init; } = "";

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    public FinishReason FinishReason { get; init; }

    public Usage Usage { get; init; }

    /// <summary>Wall-clock time of the call, retries and waits included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The assistant message to append to the conversation before the tool results.</summary>
    public ChatMessage ToMessage() => ChatMessage.Assistant(Text, ToolCalls);
}
