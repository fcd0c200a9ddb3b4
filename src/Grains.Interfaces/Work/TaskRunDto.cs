namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// The agent loop of a task: attempt, step, status and why it waits or stopped.
/// <see cref="Step"/> counts the model calls of the current attempt.
/// </summary>
public sealed record TaskRunDto(
    long TaskId,
    long CompanyId,
    long AgentId,
    int Attempt,
    int Step,
    TaskRunStatus Status,
    string Model,
    Guid? ActivityId,
    string? WaitingFor,
    string? StopReason,
    int Messages,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt);
