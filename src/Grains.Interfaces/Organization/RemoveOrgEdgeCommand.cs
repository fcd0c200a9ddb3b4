namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Ends the agent's current reporting line (it keeps its own reports); the edge stays in history.</summary>
public sealed record RemoveOrgEdgeCommand(long CompanyId, long SubordinateAgentId, long? ExpectedVersion = null);
