namespace FluidManager.Models;

/// <summary>
/// Estimates token counts from text length (about four characters per token), for budget
/// reservations before a call and for the offline model's usage.
/// </summary>
public static class TokenEstimator
{
    /// <summary>Characters per token of English prose with common tokenisers.</summary>
    public const double CharsPerToken = 4.0;

    /// <summary>Tokens a provider adds around each message (role markers).</summary>
    public const int PerMessageOverhead = 4;

    /// <summary>Tokens a provider adds once per request (reply priming).</summary>
    public const int PerRequestOverhead = 3;

    /// <summary>Tokens of <paramref name="text"/>: its length over four, rounded up; zero for empty text.</summary>
    public static int Count(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : (int)Math.Ceiling(text.Length / CharsPerToken);

    /// <summary>Input tokens of a request: messages, tool calls and tool definitions, with per-message overhead.</summary>
    public static int EstimateInput(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tokens = PerRequestOverhead;
        foreach (var message in request.Messages)
        {
            tokens += PerMessageOverhead + Count(message.Content) + Count(message.ToolCallId);
            foreach (var call in message.ToolCalls)
            {
                tokens += Count(call.Name) + Count(call.Arguments) + PerMessageOverhead;
            }
        }

        foreach (var tool in request.Tools)
        {
            tokens += Count(tool.Name) + Count(tool.Description) + Count(tool.Parameters.ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : tool.Parameters.GetRawText()) + PerMessageOverhead;
        }

        return tokens;
    }

    /// <summary>Output tokens of an answer: its text, plus each tool call's name and arguments.</summary>
    public static int CountOutput(string text, IReadOnlyList<ToolCall> toolCalls)
    {
        ArgumentNullException.ThrowIfNull(toolCalls);
        var tokens = Count(text);
        foreach (var call in toolCalls)
        {
            tokens += Count(call.Name) + Count(call.Arguments) + PerRequestOverhead;
        }

        return tokens;
    }

    /// <summary>The most a request can use: estimated input plus its <see cref="ChatRequest.MaxOutputTokens"/>.</summary>
    public static Usage EstimateReservation(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Usage(EstimateInput(request), Math.Max(0, request.MaxOutputTokens));
    }
}
