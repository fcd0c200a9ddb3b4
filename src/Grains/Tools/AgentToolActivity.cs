using System.Diagnostics;
using FluidManager.Runtime.Activities;

namespace FluidManager.Grains.Tools;

/// <summary>The input of the <see cref="AgentToolActivity"/>: which tool, called how.</summary>
public sealed record AgentToolCall(string Tool, ToolInvocation Invocation);

/// <summary>
/// Runs one tool call outside any turn (kind <c>agent.tool</c>): the agent loop schedules it with an
/// <see cref="AgentToolCall"/> and receives the <see cref="AgentToolResult"/> as the activity's outcome.
/// A tool of an <see cref="IAgentToolSource"/> (MCP) runs with the activity's id as its idempotency key.
/// An unknown tool is an error result, not a retry.
/// </summary>
public sealed class AgentToolActivity(AgentToolCatalog catalog, IEnumerable<IAgentToolSource> sources) : ActivityHandler<AgentToolCall, AgentToolResult>
{
    public const string ActivityKind = "agent.tool";

    public override string Kind => ActivityKind;

    protected override async Task<AgentToolResult> ExecuteAsync(AgentToolCall input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var started = Stopwatch.GetTimestamp();
        var result = catalog.Find(input.Tool) is { } tool
            ? await tool.ExecuteAsync(input.Invocation, cancellationToken)
            : sources.FirstOrDefault(s => s.Owns(input.Tool)) is { } source
                ? await source.ExecuteAsync(input.Tool, input.Invocation, execution.Id, cancellationToken)
                : AgentToolResult.Error($"there is no tool '{input.Tool}'.");
        return result with { DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
    }
}
