namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// What an agent spent (<see cref="Own"/>) and, for a manager, its whole subtree (<see cref="Total"/>,
/// with one row per agent in <see cref="Agents"/>, the manager first).
/// </summary>
[GenerateSerializer]
[Alias("fm.work.AgentSpendDto")]
public sealed record AgentSpendDto(
    [property: Id(0)] long AgentId,
    [property: Id(1)] bool Subtree,
    [property: Id(2)] DateOnly? From,
    [property: Id(3)] DateOnly? To,
    [property: Id(4)] CostRowDto Own,
    [property: Id(5)] CostRowDto Total,
    [property: Id(6)] IReadOnlyList<CostRowDto> Agents);
