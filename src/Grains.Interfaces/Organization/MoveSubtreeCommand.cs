namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Moves an agent and everyone under it to a new manager (null: the CEO seat) in one change.</summary>
[GenerateSerializer]
[Alias("fm.organization.MoveSubtreeCommand")]
public sealed record MoveSubtreeCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] long? NewManagerAgentId,
    [property: Id(3)] long? ExpectedVersion = null);
