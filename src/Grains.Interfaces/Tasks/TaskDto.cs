namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A task. <see cref="Version"/> is the value to send back as ExpectedVersion (ETag/If-Match).</summary>
public sealed record TaskDto
{
    public required long Id { get; init; }

    public required long CompanyId { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    public string? Project { get; init; }

    public required TaskState Status { get; init; }

    public long? AssigneeAgentId { get; init; }

    /// <summary>Who created it: "agent:7", "human:3" or "system".</summary>
    public required string CreatedBy { get; init; }

    public long? ParentTaskId { get; init; }

    /// <summary>What this task does when one of its subtasks fails.</summary>
    public required SubtaskFailurePolicy FailurePolicy { get; init; }

    public required TaskPriority Priority { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    public DateTimeOffset? DeadlineAt { get; init; }

    public required int AttemptCount { get; init; }

    public required int MaxAttempts { get; init; }

    public required long TokensUsed { get; init; }

    public required decimal CostEstimate { get; init; }

    /// <summary>Time spent running, summed over attempts, in milliseconds.</summary>
    public required long DurationMs { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Result { get; init; }

    /// <summary>Why the task is blocked, failed, cancelled or awaiting approval.</summary>
    public string? StatusReason { get; init; }

    public required SubtaskProgress Subtasks { get; init; }

    /// <summary>
    /// The commands the task's state machine accepts now (start, pause, resume, …, comment): what a
    /// client may offer. Any other command is refused with 409.
    /// </summary>
    public IReadOnlyList<TaskAction> AllowedActions { get; init; } = [];

    public required long Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
