namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// Places an agent that has no manager yet under <see cref="ManagerAgentId"/> (null: the CEO seat).
/// Refused for a cycle, a second manager, or an edge that breaks a company rule.
/// </summary>
public sealed record AddOrgEdgeCommand(long CompanyId, long? ManagerAgentId, long SubordinateAgentId, long? ExpectedVersion = null);
