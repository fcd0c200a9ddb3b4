namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Could <see cref="SubordinateAgentId"/> (with its team) report to <see cref="ManagerAgentId"/> (null: the CEO seat)?</summary>
public sealed record CanManageQuestion(long CompanyId, long? ManagerAgentId, long SubordinateAgentId);
