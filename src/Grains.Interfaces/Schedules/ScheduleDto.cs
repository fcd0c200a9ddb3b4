namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>A schedule as the API shows it, with its next and last firing.</summary>
[GenerateSerializer]
[Alias("fm.schedules.ScheduleDto")]
public sealed record ScheduleDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] string Name,
    [property: Id(3)] long AgentId,
    [property: Id(4)] TaskTemplate Template,
    [property: Id(5)] ScheduleTiming Timing,
    [property: Id(6)] ScheduleStatus Status,
    [property: Id(7)] DateTimeOffset? NextRunAt,
    [property: Id(8)] DateTimeOffset? LastRunAt,
    [property: Id(9)] int RunCount,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] long? WorkflowId = null,
    [property: Id(13)] System.Text.Json.JsonElement? WorkflowInputs = null);
