namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Memory brought into a task: by the briefing or the recall tool, with the items cited in order.</summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryRecalledEvent")]
public sealed record MemoryRecalledEvent(
    [property: Id(0)] long RecallId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] long? TaskId,
    [property: Id(3)] string Via,
    [property: Id(4)] IReadOnlyList<long> ItemIds,
    [property: Id(5)] int Tokens);
