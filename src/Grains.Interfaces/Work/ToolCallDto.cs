using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// One tool call of an agent: the request (<see cref="Arguments"/>), whether it was allowed, what it
/// produced (<see cref="Result"/>, and in <see cref="Refs"/> the ids of what it wrote) and how long it took.
/// <see cref="StepKey"/> is "{attempt}:{step}:{toolCallId}": a replayed step never runs twice.
/// </summary>
public sealed record ToolCallDto(
    long Id,
    long CompanyId,
    long TaskId,
    long AgentId,
    int Attempt,
    int Step,
    string ToolCallId,
    string StepKey,
    string Tool,
    JsonElement Arguments,
    bool Allowed,
    ToolOutcome Outcome,
    string? Reason,
    string Result,
    JsonElement? Refs,
    long DurationMs,
    DateTimeOffset At);
