namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>
/// When a schedule fires: every <see cref="IntervalMinutes"/>, or on a Quartz cron expression
/// (<c>"0 0 9 ? * MON"</c>: seconds minutes hours day-of-month month day-of-week) in an IANA time zone.
/// Exactly one of the two is set.
/// </summary>
[GenerateSerializer]
[Alias("fm.schedules.ScheduleTiming")]
public sealed record ScheduleTiming
{
    [Id(0)]
    public int? IntervalMinutes { get; init; }

    [Id(1)]
    public string? Cron { get; init; }

    [Id(2)]
    public string TimeZone { get; init; } = "UTC";
}
