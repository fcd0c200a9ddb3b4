namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Could <see cref="SubordinateAgentId"/> (with its team) report to <see cref="ManagerAgentId"/> (null: the CEO seat)?</summary>
[GenerateSerializer]
[Alias("fm.organization.CanManageQuestion")]
public sealed record CanManageQuestion(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long? ManagerAgentId,
    [property: Id(2)] long SubordinateAgentId);
