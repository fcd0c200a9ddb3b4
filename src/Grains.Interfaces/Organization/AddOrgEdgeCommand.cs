namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// Places an agent that has no manager yet under <see cref="ManagerAgentId"/> (null: the CEO seat).
/// Refused for a cycle, a second manager, or an edge that breaks a company rule.
/// </summary>
[GenerateSerializer]
[Alias("fm.organization.AddOrgEdgeCommand")]
public sealed record AddOrgEdgeCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long? ManagerAgentId,
    [property: Id(2)] long SubordinateAgentId,
    [property: Id(3)] long? ExpectedVersion = null);
