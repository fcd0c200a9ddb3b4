namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// What an agent spent (<see cref="Own"/>) and, for a manager, its whole subtree (<see cref="Total"/>,
/// with one row per agent in <see cref="Agents"/>, the manager first).
/// </summary>
public sealed record AgentSpendDto(long AgentId, bool Subtree, DateOnly? From, DateOnly? To, CostRowDto Own, CostRowDto Total, IReadOnlyList<CostRowDto> Agents);
