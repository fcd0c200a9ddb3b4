using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>One firing: the task it created (and that task's current status), or why it was skipped.</summary>
public sealed record ScheduleRunDto(
    long Id,
    long ScheduleId,
    DateTimeOffset DueAt,
    DateTimeOffset FiredAt,
    long? TaskId,
    TaskState? TaskStatus,
    string Outcome,
    string? Reason);
