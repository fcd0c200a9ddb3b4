using FluidManager.Runtime.Grains;

namespace FluidManager.Runtime.Reminders;

/// <summary>
/// Orleans reminders wake the grains; the product's reminder rows decide what is due. A turn that
/// registers a reminder writes its row (schedule, next due time) and registers the Orleans reminder
/// at once: if the turn rolls back, the Orleans reminder fires, finds no row and removes itself. A
/// turn that removes one deletes the row and, after its commit, the Orleans reminder. A firing runs
/// as a turn of the grain that takes the row, advances it past now (one catch-up tick after any
/// downtime) and hands the tick to the grain, all in one transaction.
/// </summary>
internal static class OrleansReminders
{
    /// <summary>The shortest period Orleans is asked to keep; a schedule's own period is never shorter than a second.</summary>
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How often a cron schedule's Orleans reminder fires at most; each firing re-aims it at the next occurrence.</summary>
    private static readonly TimeSpan CronCheck = TimeSpan.FromMinutes(1);

    public static async Task RegisterAsync(TurnState state, GrainKey grain, string name, DateTimeOffset dueAt, ReminderSchedule schedule)
    {
        if (state.Reminders is not { } reminders)
        {
            return;
        }

        var dueTime = dueAt > state.Now ? dueAt - state.Now : TimeSpan.Zero;
        var period = schedule.Period is { } p ? Max(p, MinimumPeriod) : CronCheck;
        await reminders.RegisterOrUpdateReminder(OrleansId(grain), name, dueTime, period);
    }

    /// <summary>Re-aims a cron schedule's Orleans reminder at its next occurrence after a firing.</summary>
    public static async Task ReaimAsync(TurnState state, GrainKey grain, string name, DateTimeOffset next)
    {
        if (state.Reminders is { } reminders)
        {
            await reminders.RegisterOrUpdateReminder(OrleansId(grain), name, next > state.Now ? next - state.Now : TimeSpan.Zero, CronCheck);
        }
    }

    /// <summary>Removes the Orleans reminders of the rows the committed turn deleted.</summary>
    public static async Task RemoveAsync(TurnState state)
    {
        if (state.Reminders is not { } reminders || state.RemindersToRemove.Count == 0)
        {
            return;
        }

        foreach (var (grain, name) in state.RemindersToRemove)
        {
            var id = OrleansId(grain);
            if (await reminders.GetReminder(id, name) is { } reminder)
            {
                await reminders.UnregisterReminder(id, reminder);
            }
        }

        state.RemindersToRemove.Clear();
    }

    public static GrainId OrleansId(GrainKey grain) => GrainId.Create(grain.Type, grain.Key);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
