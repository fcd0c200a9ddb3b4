namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// The org chart at a time: the CEO seat at level N, then its reports at N-1, and so on.
/// <see cref="Version"/> is the ExpectedVersion for the next org change.
/// </summary>
public sealed record OrgChartDto(long CompanyId, long Version, DateTimeOffset AsOf, IReadOnlyList<OrgEdgeDto> Edges);
