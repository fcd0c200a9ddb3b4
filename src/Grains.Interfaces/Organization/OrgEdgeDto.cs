namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Manager → subordinate; <see cref="ManagerAgentId"/> null is the CEO seat. <see cref="EffectiveTo"/> null: current.</summary>
public sealed record OrgEdgeDto(long Id, long? ManagerAgentId, long SubordinateAgentId, DateTimeOffset EffectiveFrom, DateTimeOffset? EffectiveTo);
