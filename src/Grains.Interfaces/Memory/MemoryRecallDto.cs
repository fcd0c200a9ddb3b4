namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>A recall: memory brought into a task by its briefing (<c>via</c> = briefing) or the recall tool, with the items cited in order and the tokens they took.</summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryRecallDto")]
public sealed record MemoryRecallDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long AgentId,
    [property: Id(2)] long? TaskId,
    [property: Id(3)] int? Attempt,
    [property: Id(4)] string Via,
    [property: Id(5)] string Query,
    [property: Id(6)] IReadOnlyList<long> ItemIds,
    [property: Id(7)] int Tokens,
    [property: Id(8)] double DurationMs,
    [property: Id(9)] DateTimeOffset At);
