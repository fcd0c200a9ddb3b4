using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>Creates a task, optionally as a subtask and already assigned (assignment is policy-checked).</summary>
[GenerateSerializer]
[Alias("fm.companies.CreateTaskCommand")]
public sealed record CreateTaskCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required string Title { get; init; }

    [Id(2)]
    public string Description { get; init; } = "";

    [Id(3)]
    public string? Project { get; init; }

    [Id(4)]
    public long? ParentTaskId { get; init; }

    [Id(5)]
    public long? AssigneeAgentId { get; init; }

    [Id(6)]
    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    [Id(7)]
    public DateTimeOffset? ScheduledAt { get; init; }

    [Id(8)]
    public DateTimeOffset? DeadlineAt { get; init; }

    [Id(9)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>What this task does when one of its own subtasks fails.</summary>
    [Id(10)]
    public SubtaskFailurePolicy FailurePolicy { get; init; } = SubtaskFailurePolicy.Block;

    [Id(11)]
    public decimal CostEstimate { get; init; }
}
