using System.Diagnostics;
using System.Text.Json;

namespace FluidManager.Models.Tests;

/// <summary>A tool call as the tests compare it: id, name and the arguments as compact JSON text.</summary>
internal sealed record ToolCall(string Id, string Name, string Arguments)
{
    public static ToolCall Of(FunctionCallContent call) => new(call.CallId, call.Name, call.ArgumentsJson);

    public FunctionCallContent ToContent() => FunctionCallContent.FromJson(Id, Name, Arguments);

    public bool TryParseArguments(out JsonElement arguments) => ToContent().TryParseArguments(out arguments);
}

/// <summary>An <see cref="IChatClient"/> answer with the wall-clock time the call took, read the way the tests check it.</summary>
internal sealed record Reply(ChatResponse Response, TimeSpan Duration)
{
    public string? Model => Response.ModelId;

    public string Text => Response.Text;

    public IReadOnlyList<ToolCall> ToolCalls => [.. Response.ToolCalls.Select(ToolCall.Of)];

    public ChatFinishReason? FinishReason => Response.FinishReason;

    public Usage Usage => Response.TokenUsage;

    public ChatMessage ToMessage() => Response.ToMessage();
}

internal static class ChatClientTestExtensions
{
    /// <summary>Sends a stored request through the client, as the activities do, and times it.</summary>
    public static async Task<Reply> CompleteAsync(this IChatClient client, ChatRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await client.GetResponseAsync(request, cancellationToken);
        return new Reply(response, Stopwatch.GetElapsedTime(started));
    }
}
