using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

public sealed class ReminderTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Periodic_reminder_fires_on_time_and_stops_when_removed()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        await silo.Grains.GetGrain<ITickerGrain>("punctual").StartAsync(TimeSpan.FromSeconds(1));

        await Eventually.WaitAsync(() => Ticks("punctual"), n => n >= 3, TimeSpan.FromSeconds(10), "three ticks");
        await silo.Grains.GetGrain<ITickerGrain>("punctual").StopAsync();
        var lateness = await database.ScalarAsync("SELECT max(extract(epoch FROM received_at - due_at) * 1000)::bigint FROM testgrains.ticks WHERE grain = 'punctual'");
        lateness.Should().BeLessThan(1000, "a tick is delivered within a second of its due time on an idle machine");

        var afterStop = await Ticks("punctual");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.reminders WHERE grain_key = 'punctual'")).Should().Be(0);
        // One more tick may have been queued before the removal committed; none after that.
        await Task.Delay(2500);
        (await Ticks("punctual")).Should().BeLessThanOrEqualTo(afterStop + 1);
    }

    [Fact]
    public async Task Missed_ticks_during_downtime_fire_once_on_recovery_not_as_a_burst()
    {
        await using (var api = await RuntimeHost.StartAsync(database, pumps: false))
        {
            await api.Grains.GetGrain<ITickerGrain>("sleeper").StartAsync(TimeSpan.FromSeconds(1));
        }

        // Downtime of a minute: sixty periods have been missed.
        await database.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() - interval '60 seconds' WHERE grain_key = 'sleeper'");
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);

        await Eventually.WaitAsync(() => Ticks("sleeper"), n => n >= 1, TimeSpan.FromSeconds(10), "the catch-up tick");
        var nextDue = await database.ScalarAsync("SELECT (extract(epoch FROM due_at - now()) * 1000)::bigint FROM runtime.reminders WHERE grain_key = 'sleeper'");
        // Replaying the missed periods would leave it about a minute behind; ticks that follow every second
        // may leave it a little behind on a loaded machine.
        nextDue.Should().BeGreaterThan(-5000, "the next due time moved past now instead of replaying every missed period");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.ticks WHERE grain = 'sleeper' AND due_at < now() - interval '30 seconds'")).Should().Be(1);
    }

    [Fact]
    public async Task Reminder_survives_a_restart_of_every_silo()
    {
        await using (var silo = await RuntimeHost.StartAsync(database, pumps: true, name: "before"))
        {
            await silo.Grains.GetGrain<ITickerGrain>("durable").StartAsync(TimeSpan.FromSeconds(1));
            await Eventually.WaitAsync(() => Ticks("durable"), n => n >= 1, TimeSpan.FromSeconds(10), "a first tick");
        }

        var beforeRestart = await Ticks("durable");
        await using var after = await RuntimeHost.StartAsync(database, pumps: true, name: "after");
        await Eventually.WaitAsync(() => Ticks("durable"), n => n >= beforeRestart + 2, TimeSpan.FromSeconds(10), "ticks after the restart");
    }

    [Fact]
    public async Task A_reminder_row_left_overdue_without_its_Orleans_reminder_is_fired_by_the_sweep()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false, settings: new Dictionary<string, string?>
        {
            ["Fluid:Runtime:ReminderSweepInterval"] = "00:00:01",
        });

        // As if the silo had died between a turn's commit and the Orleans reminder's registration: the row
        // is there (written after the silo's start-up catch-up), Orleans knows nothing of it.
        await database.ExecuteAsync("""
            INSERT INTO runtime.reminders (grain_type, grain_key, name, due_at, period_ms, created_at)
            VALUES ('ticker', 'orphan', 'tick', now() - interval '5 seconds', 3600000, now())
            """);

        await Eventually.WaitAsync(() => Ticks("orphan"), n => n >= 1, TimeSpan.FromSeconds(10), "the tick of the overdue row");
        var nextDue = await database.ScalarAsync("SELECT (extract(epoch FROM due_at - now()))::bigint FROM runtime.reminders WHERE grain_key = 'orphan'");
        nextDue.Should().BeGreaterThan(3000, "the firing moved the row to its next period, an hour away");
        await Task.Delay(2500);
        (await Ticks("orphan")).Should().Be(1, "a row that is no longer overdue is not fired again");
    }

    [Fact]
    public async Task Cron_reminder_is_registered_at_the_next_occurrence_in_its_time_zone()
    {
        await using var api = await RuntimeHost.StartAsync(database, pumps: false);
        await api.Grains.GetGrain<ITickerGrain>("weekly").StartCronAsync("0 0 9 ? * MON", "Europe/Paris");

        var dueUtc = await database.ScalarAsync("SELECT extract(epoch FROM due_at)::bigint FROM runtime.reminders WHERE grain_key = 'weekly'");
        var due = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(dueUtc), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        due.DayOfWeek.Should().Be(DayOfWeek.Monday);
        due.Hour.Should().Be(9);
        due.Should().BeAfter(DateTimeOffset.UtcNow).And.BeBefore(DateTimeOffset.UtcNow.AddDays(7.1));
    }

    [Theory]
    [InlineData("2026-03-27T12:00:00Z", "2026-03-30T07:00:00Z")] // after the spring change: 09:00 CEST = 07:00 UTC
    [InlineData("2026-10-23T12:00:00Z", "2026-10-26T08:00:00Z")] // after the autumn change: 09:00 CET = 08:00 UTC
    public void Cron_schedule_follows_daylight_saving_of_its_time_zone(string after, string expected)
    {
        var schedule = ReminderSchedule.OnCron("0 0 9 ? * MON", "Europe/Paris");
        schedule.NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("not a cron", "UTC", "not a valid cron expression")]
    [InlineData("0 0 9 ? * MON", "Mars/Olympus", "Unknown time zone")]
    public void Bad_cron_or_zone_is_refused_with_the_reason(string cron, string zone, string reason)
    {
        var act = () => ReminderSchedule.OnCron(cron, zone);
        act.Should().Throw<ArgumentException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void Period_below_one_second_is_refused()
    {
        var act = () => ReminderSchedule.Every(TimeSpan.FromMilliseconds(200));
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Next_due_after_downtime_is_the_first_period_boundary_after_now()
    {
        var due = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var now = due.AddSeconds(95.5);
        ReminderSchedule.Next(10_000, null, null, due, now).Should().Be(due.AddSeconds(100));
        ReminderSchedule.Next(10_000, null, null, due, due.AddSeconds(1)).Should().Be(due.AddSeconds(10));
    }

    [Fact]
    public void A_catch_up_tick_is_not_followed_by_an_occurrence_a_moment_later()
    {
        var due = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        // Ten minutes late, 9 ms before the tenth boundary: that boundary is skipped, not fired right behind.
        ReminderSchedule.Next(60_000, null, null, due, due.AddMinutes(10).AddMilliseconds(-9)).Should().Be(due.AddMinutes(11));
        ReminderSchedule.Next(null, "0 * * ? * *", "UTC", due, due.AddMinutes(10).AddMilliseconds(-9)).Should().Be(due.AddMinutes(11));

        // On time, the next occurrence is the next one, however close.
        ReminderSchedule.Next(60_000, null, null, due, due.AddMilliseconds(5)).Should().Be(due.AddMinutes(1));
        ReminderSchedule.Next(null, "0 * * ? * *", "UTC", due, due.AddMilliseconds(5)).Should().Be(due.AddMinutes(1));
    }

    private Task<long> Ticks(string grain) => database.ScalarAsync("SELECT count(*) FROM testgrains.ticks WHERE grain = @g", ("g", grain));
}
