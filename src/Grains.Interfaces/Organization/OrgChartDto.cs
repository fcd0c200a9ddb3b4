namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// The org chart at a time: the CEO seat at level N, then its reports at N-1, and so on.
/// <see cref="Version"/> is the ExpectedVersion for the next org change.
/// </summary>
[GenerateSerializer]
[Alias("fm.organization.OrgChartDto")]
public sealed record OrgChartDto(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset AsOf,
    [property: Id(3)] IReadOnlyList<OrgEdgeDto> Edges);
