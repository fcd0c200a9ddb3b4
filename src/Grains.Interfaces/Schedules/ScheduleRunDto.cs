using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>One firing: the task it created (and that task's current status), or why it was skipped.</summary>
[GenerateSerializer]
[Alias("fm.schedules.ScheduleRunDto")]
public sealed record ScheduleRunDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long ScheduleId,
    [property: Id(2)] DateTimeOffset DueAt,
    [property: Id(3)] DateTimeOffset FiredAt,
    [property: Id(4)] long? TaskId,
    [property: Id(5)] TaskState? TaskStatus,
    [property: Id(6)] string Outcome,
    [property: Id(7)] string? Reason,
    [property: Id(8)] long? RunId = null);
