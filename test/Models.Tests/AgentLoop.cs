using FluidManager.Models.Offline;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Tests;

/// <summary>A minimal agent loop for tests: sends the conversation, runs tool calls through a callback, stops on text or complete_task.</summary>
internal static class AgentLoop
{
    public static OfflineChatModel Offline(int latencyMs = 0) =>
        new(Options.Create(new ModelsOptions { Offline = { LatencyMs = latencyMs } }));

    public static ChatRequest Request(AgentContext context, IReadOnlyList<ToolDefinition>? tools = null, string? system = null) => new()
    {
        Messages =
        [
            ChatMessage.System((system ?? $"You are {context.Agent?.Name}, the {context.Agent?.Role}.") + "\n" + context.ToPromptBlock()),
            ChatMessage.User($"Work on task #{context.Task?.Id}: {context.Task?.Title}"),
        ],
        Tools = tools ?? StandardTools.All,
    };

    public static async Task<(List<ToolCall> Calls, Reply Last, int Turns)> RunAsync(
        IChatClient model, ChatRequest request, Func<ToolCall, string>? execute = null, int maxTurns = 30)
    {
        var messages = request.Messages.ToList();
        var calls = new List<ToolCall>();
        for (var turn = 1; turn <= maxTurns; turn++)
        {
            var response = await model.CompleteAsync(request with { Messages = [.. messages] }, CancellationToken.None);
            messages.Add(response.ToMessage());
            if (response.ToolCalls.Count == 0)
            {
                return (calls, response, turn);
            }

            foreach (var call in response.ToolCalls)
            {
                calls.Add(call);
                messages.Add(ChatMessage.Tool(call.Id, execute?.Invoke(call) ?? """{"ok":true}"""));
            }

            if (response.ToolCalls.Any(c => c.Name == StandardTools.CompleteTask))
            {
                return (calls, response, turn);
            }
        }

        throw new InvalidOperationException($"The model did not finish within {maxTurns} turns: {string.Join(", ", calls.Select(c => c.Name))}");
    }
}
