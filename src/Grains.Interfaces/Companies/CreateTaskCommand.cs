using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>Creates a task, optionally as a subtask and already assigned (assignment is policy-checked).</summary>
public sealed record CreateTaskCommand
{
    public required long CompanyId { get; init; }

    public required string Title { get; init; }

    public string Description { get; init; } = "";

    public string? Project { get; init; }

    public long? ParentTaskId { get; init; }

    public long? AssigneeAgentId { get; init; }

    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    public DateTimeOffset? ScheduledAt { get; init; }

    public DateTimeOffset? DeadlineAt { get; init; }

    public int MaxAttempts { get; init; } = 3;

    /// <summary>What this task does when one of its own subtasks fails.</summary>
    public SubtaskFailurePolicy FailurePolicy { get; init; } = SubtaskFailurePolicy.Block;

    public decimal CostEstimate { get; init; }
}
