namespace FluidManager.Grains.Interfaces.Analytics;

[GenerateSerializer]
[Alias("fm.analytics.AnalyticsGroupBy")]
public enum AnalyticsGroupBy
{
    Agent,
    Department,
    Project,

    /// <summary>The UTC day (the period).</summary>
    Day,
}
