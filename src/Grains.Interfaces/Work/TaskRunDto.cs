namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// The agent loop of a task: attempt, step, status and why it waits or stopped.
/// <see cref="Step"/> counts the model calls of the current attempt.
/// </summary>
[GenerateSerializer]
[Alias("fm.work.TaskRunDto")]
public sealed record TaskRunDto(
    [property: Id(0)] long TaskId,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long AgentId,
    [property: Id(3)] int Attempt,
    [property: Id(4)] int Step,
    [property: Id(5)] TaskRunStatus Status,
    [property: Id(6)] string Model,
    [property: Id(7)] Guid? ActivityId,
    [property: Id(8)] string? WaitingFor,
    [property: Id(9)] string? StopReason,
    [property: Id(10)] int Messages,
    [property: Id(11)] DateTimeOffset StartedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt);
