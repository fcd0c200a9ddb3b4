using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>The task each firing of a schedule creates for the schedule's agent.</summary>
[GenerateSerializer]
[Alias("fm.schedules.TaskTemplate")]
public sealed record TaskTemplate
{
    [Id(0)]
    public required string Title { get; init; }

    [Id(1)]
    public string Description { get; init; } = "";

    [Id(2)]
    public string? Project { get; init; }

    [Id(3)]
    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    [Id(4)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>When set, each created task is due this many minutes after it was created.</summary>
    [Id(5)]
    public int? DeadlineAfterMinutes { get; init; }

    /// <summary>
    /// A mailbox check: each firing first reads the new mail of the company's mailbox (IMAP, when one is set) and
    /// the task lists the messages; without a mailbox the task is created as it is, saying that none is set.
    /// </summary>
    [Id(6)]
    public bool CheckMailbox { get; init; }
}
