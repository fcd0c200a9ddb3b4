namespace FluidManager.Grains.Interfaces.Analytics;

/// <summary>The work's figures grouped by <see cref="GroupBy"/> over the UTC days <see cref="From"/> to <see cref="To"/> (both included; null: unbounded).</summary>
[GenerateSerializer]
[Alias("fm.analytics.AnalyticsQuery")]
public sealed record AnalyticsQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] AnalyticsGroupBy GroupBy,
    [property: Id(2)] DateOnly? From = null,
    [property: Id(3)] DateOnly? To = null);
