namespace FluidManager.Runtime.Reminders;

/// <summary>Lets a starting silo fire the reminders that fell due while no silo ran (see <see cref="ReminderCatchUp"/>).</summary>
[Alias("fm.runtime.IOverdueReminders")]
public interface IOverdueReminders : IGrainWithStringKey
{
    /// <summary>Fires the reminder now if its row is due: one tick, whatever the downtime.</summary>
    Task FireIfDueAsync(string name);
}
