using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// One tool call of an agent: the request (<see cref="Arguments"/>), whether it was allowed, what it
/// produced (<see cref="Result"/>, and in <see cref="Refs"/> the ids of what it wrote) and how long it took.
/// <see cref="StepKey"/> is "{attempt}:{step}:{toolCallId}": a replayed step never runs twice.
/// </summary>
[GenerateSerializer]
[Alias("fm.work.ToolCallDto")]
public sealed record ToolCallDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long TaskId,
    [property: Id(3)] long AgentId,
    [property: Id(4)] int Attempt,
    [property: Id(5)] int Step,
    [property: Id(6)] string ToolCallId,
    [property: Id(7)] string StepKey,
    [property: Id(8)] string Tool,
    [property: Id(9)] JsonElement Arguments,
    [property: Id(10)] bool Allowed,
    [property: Id(11)] ToolOutcome Outcome,
    [property: Id(12)] string? Reason,
    [property: Id(13)] string Result,
    [property: Id(14)] JsonElement? Refs,
    [property: Id(15)] long DurationMs,
    [property: Id(16)] DateTimeOffset At);
