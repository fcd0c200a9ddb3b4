namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Whether a schedule fires.</summary>
[GenerateSerializer]
[Alias("fm.schedules.ScheduleStatus")]
public enum ScheduleStatus
{
    Active,
    Paused,
}
