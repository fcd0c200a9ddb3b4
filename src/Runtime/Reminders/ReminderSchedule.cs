using Quartz;

namespace FluidManager.Runtime.Grains;

/// <summary>When a reminder fires: every <see cref="Period"/>, or on a cron expression in a time zone.</summary>
public sealed record ReminderSchedule
{
    private ReminderSchedule() { }

    public TimeSpan? Period { get; private init; }

    public TimeSpan DueIn { get; private init; }

    public string? Cron { get; private init; }

    public string? TimeZone { get; private init; }

    /// <summary>Fires first after <paramref name="dueIn"/>, then every <paramref name="period"/> (at least one second).</summary>
    public static ReminderSchedule Every(TimeSpan period, TimeSpan? dueIn = null)
    {
        if (period < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder period must be at least one second.");
        }

        return new ReminderSchedule { Period = period, DueIn = dueIn ?? period };
    }

    /// <summary>Fires on a Quartz cron expression ("0 0 9 ? * MON") evaluated in <paramref name="timeZone"/> (IANA id).</summary>
    public static ReminderSchedule OnCron(string cron, string timeZone = "UTC")
    {
        ParseCron(cron, timeZone);
        return new ReminderSchedule { Cron = cron, TimeZone = timeZone };
    }

    /// <summary>The first firing strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after) => Period is { } period
        ? after + period
        : NextCron(Cron!, TimeZone ?? "UTC", after);

    /// <summary>
    /// The next due time once a tick that was due at <paramref name="dueAt"/> has fired at <paramref name="now"/>:
    /// the first occurrence after now, so downtime produces one catch-up tick rather than a burst. A late
    /// (catch-up) tick skips an occurrence that would follow it within a moment (up to a second, half a
    /// period at most), which would otherwise fire as a second tick right behind it.
    /// </summary>
    public static DateTimeOffset Next(long? periodMs, string? cron, string? timeZone, DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (periodMs is { } ms)
        {
            var period = TimeSpan.FromMilliseconds(ms);
            if (dueAt + period > now)
            {
                return dueAt + period;
            }

            var after = now + Min(CatchUpGrace, period / 2);
            var missed = (long)Math.Floor((after - dueAt) / period);
            return dueAt + (period * (missed + 1));
        }

        var zone = timeZone ?? "UTC";
        var next = NextCron(cron!, zone, dueAt);
        return next > now ? next : NextCron(cron!, zone, now + CatchUpGrace);
    }

    private static readonly TimeSpan CatchUpGrace = TimeSpan.FromSeconds(1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static DateTimeOffset NextCron(string cron, string timeZone, DateTimeOffset after) =>
        ParseCron(cron, timeZone).GetNextValidTimeAfter(after)
            ?? throw new InvalidOperationException($"Cron expression '{cron}' has no future occurrence.");

    private static CronExpression ParseCron(string cron, string timeZone)
    {
        if (!CronExpression.TryParse(cron, out var expression))
        {
            throw new ArgumentException($"'{cron}' is not a valid cron expression (Quartz format: seconds minutes hours day-of-month month day-of-week [year]).", nameof(cron));
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ArgumentException($"Unknown time zone '{timeZone}'; use an IANA id such as 'Europe/Paris'.", nameof(timeZone));
        }

        return expression.WithTimeZone(zone);
    }
}
