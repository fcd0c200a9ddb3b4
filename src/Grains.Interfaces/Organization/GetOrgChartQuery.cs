namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The chart now, or as it stood at <see cref="AsOf"/>.</summary>
[GenerateSerializer]
[Alias("fm.organization.GetOrgChartQuery")]
public sealed record GetOrgChartQuery([property: Id(0)] long CompanyId, [property: Id(1)] DateTimeOffset? AsOf = null);
