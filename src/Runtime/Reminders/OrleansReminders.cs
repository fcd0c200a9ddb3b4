using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime.Reminders;

/// <summary>
/// Orleans reminders wake the grains; the product's reminder rows decide what is due. A turn that
/// registers or removes a reminder writes its row in its transaction, and changes the Orleans
/// reminder once it has committed, so that no lock of the turn is held while Orleans writes its own
/// table. A reminder whose change was lost (the silo died right after the commit, or the change
/// failed) is still kept by its row: <see cref="OverdueReminderSweep"/> fires a row left overdue, and
/// an Orleans reminder that fires without a row removes itself. A firing runs as a turn of the grain
/// that takes the row, advances it past now (one catch-up tick after any downtime) and hands the tick
/// to the grain, all in one transaction.
/// </summary>
internal static class OrleansReminders
{
    /// <summary>The shortest period Orleans is asked to keep; a schedule's own period is never shorter than a second.</summary>
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How often a cron schedule's Orleans reminder fires at most; each firing re-aims it at the next occurrence.</summary>
    private static readonly TimeSpan CronCheck = TimeSpan.FromMinutes(1);

    /// <summary>Registers the Orleans reminder of a row the turn wrote, once the turn has committed.</summary>
    public static void Register(TurnState state, GrainKey grain, string name, DateTimeOffset dueAt, ReminderSchedule schedule) =>
        state.ReminderChanges.Add(new ReminderChange(grain, name, dueAt, schedule.Period is { } p ? Max(p, MinimumPeriod) : CronCheck));

    /// <summary>Re-aims a cron schedule's Orleans reminder at its next occurrence after a firing, once the turn has committed.</summary>
    public static void Reaim(TurnState state, GrainKey grain, string name, DateTimeOffset next) =>
        state.ReminderChanges.Add(new ReminderChange(grain, name, next, CronCheck));

    /// <summary>Removes the Orleans reminder of a row the turn deleted (or found missing), once the turn has committed.</summary>
    public static void Remove(TurnState state, GrainKey grain, string name) =>
        state.ReminderChanges.Add(new ReminderChange(grain, name, DueAt: null, Period: TimeSpan.Zero));

    /// <summary>
    /// Makes the committed turn's reminder changes in Orleans, the last change of each reminder only. A change
    /// that fails is logged, not thrown: the turn has committed, and the rows still rule (see the class summary).
    /// </summary>
    public static async Task ApplyAsync(TurnState state, ILogger logger)
    {
        if (state.ReminderChanges.Count == 0)
        {
            return;
        }

        var changes = state.ReminderChanges.GroupBy(c => (c.Grain, c.Name)).Select(g => g.Last()).ToList();
        state.ReminderChanges.Clear();
        if (state.Reminders is not { } reminders)
        {
            return;
        }

        foreach (var change in changes)
        {
            var id = OrleansId(change.Grain);
            try
            {
                if (change.DueAt is { } dueAt)
                {
                    await reminders.RegisterOrUpdateReminder(id, change.Name, dueAt > state.Now ? dueAt - state.Now : TimeSpan.Zero, change.Period);
                }
                else if (await reminders.GetReminder(id, change.Name) is { } reminder)
                {
                    await reminders.UnregisterReminder(id, reminder);
                }
            }
            catch (Exception ex)
            {
                Log.ReminderChangeFailed(logger, change.Name, change.Grain.ToString(), ex.Message);
            }
        }
    }

    public static GrainId OrleansId(GrainKey grain) => GrainId.Create(grain.Type, grain.Key);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>A change a turn made to one of its grains' Orleans reminders: registered (due at, period) or removed (no due time).</summary>
internal sealed record ReminderChange(GrainKey Grain, string Name, DateTimeOffset? DueAt, TimeSpan Period);
