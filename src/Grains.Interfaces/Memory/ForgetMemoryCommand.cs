namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Forgets an item: it never reaches retrieval or a briefing again. <see cref="ActingAgentId"/>: the manager acting; null for the CEO.</summary>
[GenerateSerializer]
[Alias("fm.memory.ForgetMemoryCommand")]
public sealed record ForgetMemoryCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long ItemId,
    [property: Id(2)] string? Reason = null,
    [property: Id(3)] long? ActingAgentId = null);
