using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>The task each firing of a schedule creates for the schedule's agent.</summary>
public sealed record TaskTemplate
{
    public required string Title { get; init; }

    public string Description { get; init; } = "";

    public string? Project { get; init; }

    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    public int MaxAttempts { get; init; } = 3;

    /// <summary>When set, each created task is due this many minutes after it was created.</summary>
    public int? DeadlineAfterMinutes { get; init; }
}
