using Microsoft.Extensions.AI;

namespace FluidManager.Models.Scripted;

/// <summary>
/// Replays a <see cref="Scenario"/>: each request gets the first unused turn that matches it. Thread-safe:
/// concurrent callers never get the same single-use turn. Deterministic as long as each agent's own calls
/// come in order. A request no turn matches throws <see cref="ScenarioMismatchException"/> naming what was asked.
/// An <see cref="IChatClient"/>: its tool calls are <see cref="FunctionCallContent"/>; without prepared usage,
/// tokens are counted with the <c>o200k_base</c> tokenizer.
/// </summary>
public sealed class ScriptedChatModel : IChatClient
{
    private readonly Lock _lock = new();
    private readonly int[] _uses;
    private readonly TimeProvider _time;

    public ScriptedChatModel(Scenario scenario, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Scenario = scenario;
        _uses = new int[scenario.Turns.Count];
        _time = timeProvider ?? TimeProvider.System;
    }

    public Scenario Scenario { get; }

    public string ModelId => $"{Models.ModelId.Scripted}:{Scenario.Name}";

    /// <summary>How many turns have answered at least once.</summary>
    public int UsedTurns
    {
        get
        {
            lock (_lock)
            {
                return _uses.Count(u => u > 0);
            }
        }
    }

    /// <summary>Makes every turn unused again.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            Array.Clear(_uses);
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = ChatRequest.From(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var started = _time.GetTimestamp();
        var asked = Asked.From(request);
        int index;
        int use;
        lock (_lock)
        {
            index = -1;
            for (var i = 0; i < Scenario.Turns.Count; i++)
            {
                var turn = Scenario.Turns[i];
                if ((turn.Repeat || _uses[i] == 0) && asked.Matches(turn))
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                throw Mismatch(asked);
            }

            use = ++_uses[index];
        }

        var chosen = Scenario.Turns[index];
        var calls = chosen.ToolCalls
            .Select((c, i) => FunctionCallContent.FromJson(
                c.Id ?? $"call_{Scenario.Name}_{index + 1}_{use}_{i + 1}",
                c.Name,
                c.Arguments.ValueKind switch
                {
                    System.Text.Json.JsonValueKind.String => c.Arguments.GetString() ?? "{}",
                    System.Text.Json.JsonValueKind.Undefined or System.Text.Json.JsonValueKind.Null => "{}",
                    _ => c.Arguments.GetRawText(),
                }))
            .ToList();
        var text = chosen.Text ?? "";
        if (chosen.DelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(chosen.DelayMs), _time, cancellationToken);
        }

        var usage = chosen.Usage is { } prepared
            ? new UsageDetails { InputTokenCount = prepared.InputTokens, OutputTokenCount = prepared.OutputTokens }
            : new UsageDetails { InputTokenCount = TokenEstimator.EstimateInput(request), OutputTokenCount = TokenEstimator.CountOutput(text, calls) };
        return new ChatResponse(ChatMessage.Assistant(text, calls))
        {
            ModelId = ModelId,
            FinishReason = chosen.FinishReason switch
            {
                ScenarioFinishReason.Stop => ChatFinishReason.Stop,
                ScenarioFinishReason.Length => ChatFinishReason.Length,
                ScenarioFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
                ScenarioFinishReason.ToolCalls => ChatFinishReason.ToolCalls,
                _ => calls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            },
            CreatedAt = _time.GetUtcNow(),
            Usage = usage.WithTotal(),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fluid-scripted", defaultModelId: ModelId)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private ScenarioMismatchException Mismatch(Asked asked)
    {
        var unused = Scenario.Turns
            .Select((t, i) => (Turn: t, Number: i + 1))
            .Where(t => t.Turn.Repeat || _uses[t.Number - 1] == 0)
            .Select(t => $"#{t.Number} {t.Turn}")
            .ToList();
        var used = _uses.Count(u => u > 0);
        return new ScenarioMismatchException(
            Scenario.Name,
            $"Scripted scenario '{Scenario.Name}' has no turn left for agent '{Clip(asked.Agent)}' (role '{Clip(asked.Role)}'), task '{Clip(asked.Task)}', "
            + $"last message '{Clip(asked.LastMessage)}'. {used} of {Scenario.Turns.Count} turns used; "
            + (unused.Count == 0 ? "none left." : $"unused turns expect: {string.Join("; ", unused)}."));
    }

    private static string Clip(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 120 ? flat : flat[..117] + "...";
    }

    /// <summary>What a request is about, as turns match it.</summary>
    private sealed record Asked(string Agent, string Role, string Task, string LastMessage)
    {
        public static Asked From(ChatRequest request)
        {
            var context = AgentContext.Find(request.Messages);
            var system = string.Join("\n", request.Messages.Where(m => m.Role == ChatRole.System).Select(m => Offline.Situation.StripContext(m.Content)));
            var users = string.Join("\n", request.Messages.Where(m => m.Role == ChatRole.User).Select(m => Offline.Situation.StripContext(m.Content)));
            var last = request.Messages.Count == 0 ? null : request.Messages[^1];
            var lastText = last is null ? "" : Offline.Situation.StripContext(last.Content);
            if (last is not null && lastText.Length == 0 && last.ToolCalls.Count > 0)
            {
                lastText = string.Join(" ", last.ToolCalls.Select(c => $"{c.Name} {c.ArgumentsJson}"));
            }

            return new Asked(
                context?.Agent?.Name ?? system.Trim(),
                context?.Agent is { } agent ? $"{agent.Role} {agent.Department}".Trim() : system.Trim(),
                context?.Task?.Title ?? users.Trim(),
                lastText.Trim());
        }

        public bool Matches(ScenarioTurn turn) =>
            Has(Agent, turn.Agent) && Has(Role, turn.Role) && Has(Task, turn.Task) && Has(LastMessage, turn.LastMessage);

        private static bool Has(string text, string? wanted) =>
            string.IsNullOrEmpty(wanted) || text.Contains(wanted, StringComparison.OrdinalIgnoreCase);
    }
}
