namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>
/// When a schedule fires: every <see cref="IntervalMinutes"/>, or on a Quartz cron expression
/// (<c>"0 0 9 ? * MON"</c>: seconds minutes hours day-of-month month day-of-week) in an IANA time zone.
/// Exactly one of the two is set.
/// </summary>
public sealed record ScheduleTiming
{
    public int? IntervalMinutes { get; init; }

    public string? Cron { get; init; }

    public string TimeZone { get; init; } = "UTC";
}
