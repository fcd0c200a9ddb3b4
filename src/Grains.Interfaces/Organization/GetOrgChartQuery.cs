namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The chart now, or as it stood at <see cref="AsOf"/>.</summary>
public sealed record GetOrgChartQuery(long CompanyId, DateTimeOffset? AsOf = null);
