namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Manager → subordinate; <see cref="ManagerAgentId"/> null is the CEO seat. <see cref="EffectiveTo"/> null: current.</summary>
[GenerateSerializer]
[Alias("fm.organization.OrgEdgeDto")]
public sealed record OrgEdgeDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long? ManagerAgentId,
    [property: Id(2)] long SubordinateAgentId,
    [property: Id(3)] DateTimeOffset EffectiveFrom,
    [property: Id(4)] DateTimeOffset? EffectiveTo);
