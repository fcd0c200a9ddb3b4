namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>A schedule as the API shows it, with its next and last firing.</summary>
public sealed record ScheduleDto(
    long Id,
    long CompanyId,
    string Name,
    long AgentId,
    TaskTemplate Template,
    ScheduleTiming Timing,
    ScheduleStatus Status,
    DateTimeOffset? NextRunAt,
    DateTimeOffset? LastRunAt,
    int RunCount,
    long Version,
    DateTimeOffset CreatedAt);
