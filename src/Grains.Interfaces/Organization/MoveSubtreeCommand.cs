namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Moves an agent and everyone under it to a new manager (null: the CEO seat) in one change.</summary>
public sealed record MoveSubtreeCommand(long CompanyId, long AgentId, long? NewManagerAgentId, long? ExpectedVersion = null);
