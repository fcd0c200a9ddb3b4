namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A task. <see cref="Version"/> is the value to send back as ExpectedVersion (ETag/If-Match).</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskDto")]
public sealed record TaskDto
{
    [Id(0)]
    public required long Id { get; init; }

    [Id(1)]
    public required long CompanyId { get; init; }

    [Id(2)]
    public required string Title { get; init; }

    [Id(3)]
    public required string Description { get; init; }

    [Id(4)]
    public string? Project { get; init; }

    [Id(5)]
    public required TaskState Status { get; init; }

    [Id(6)]
    public long? AssigneeAgentId { get; init; }

    /// <summary>Who created it: "agent:7", "human:3" or "system".</summary>
    [Id(7)]
    public required string CreatedBy { get; init; }

    [Id(8)]
    public long? ParentTaskId { get; init; }

    /// <summary>What this task does when one of its subtasks fails.</summary>
    [Id(9)]
    public required SubtaskFailurePolicy FailurePolicy { get; init; }

    [Id(10)]
    public required TaskPriority Priority { get; init; }

    [Id(11)]
    public DateTimeOffset? ScheduledAt { get; init; }

    [Id(12)]
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Attempts begun: the first start and each retry; going on after an approval, an answer, a pause or a block is the same attempt.</summary>
    [Id(13)]
    public required int AttemptCount { get; init; }

    [Id(14)]
    public required int MaxAttempts { get; init; }

    [Id(15)]
    public required long TokensUsed { get; init; }

    [Id(16)]
    public required decimal CostEstimate { get; init; }

    /// <summary>Time spent running, summed over attempts, in milliseconds.</summary>
    [Id(17)]
    public required long DurationMs { get; init; }

    [Id(18)]
    public DateTimeOffset? StartedAt { get; init; }

    [Id(19)]
    public DateTimeOffset? FinishedAt { get; init; }

    [Id(20)]
    public string? Result { get; init; }

    /// <summary>Why the task is blocked, failed, cancelled or awaiting approval.</summary>
    [Id(21)]
    public string? StatusReason { get; init; }

    [Id(22)]
    public required SubtaskProgress Subtasks { get; init; }

    /// <summary>
    /// The commands the task's state machine accepts now (start, pause, resume, …, comment): what a
    /// client may offer. Any other command is refused with 409.
    /// </summary>
    [Id(23)]
    public IReadOnlyList<TaskAction> AllowedActions { get; init; } = [];

    [Id(24)]
    public required long Version { get; init; }

    [Id(25)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(26)]
    public required DateTimeOffset UpdatedAt { get; init; }
}
