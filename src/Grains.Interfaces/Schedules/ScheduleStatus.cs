namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Whether a schedule fires.</summary>
public enum ScheduleStatus
{
    Active,
    Paused,
}
