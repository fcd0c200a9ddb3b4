namespace FluidManager.Grains.Interfaces.Analytics;

[GenerateSerializer]
[Alias("fm.analytics.AnalyticsReportDto")]
public sealed record AnalyticsReportDto(
    [property: Id(0)] AnalyticsGroupBy GroupBy,
    [property: Id(1)] DateOnly? From,
    [property: Id(2)] DateOnly? To,
    [property: Id(3)] IReadOnlyList<AnalyticsRowDto> Rows);
