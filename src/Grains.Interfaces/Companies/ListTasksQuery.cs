using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>A page of the company's tasks, by id; pass the last id seen as <see cref="AfterId"/>.</summary>
[GenerateSerializer]
[Alias("fm.companies.ListTasksQuery")]
public sealed record ListTasksQuery
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public TaskState? Status { get; init; }

    [Id(2)]
    public long? AssigneeAgentId { get; init; }

    [Id(3)]
    public long? ParentTaskId { get; init; }

    [Id(4)]
    public string? Project { get; init; }

    [Id(5)]
    public TaskPriority? Priority { get; init; }

    /// <summary>Tasks whose deadline is at or after this instant (tasks without a deadline are left out).</summary>
    [Id(6)]
    public DateTimeOffset? DeadlineFrom { get; init; }

    /// <summary>Tasks whose deadline is at or before this instant (tasks without a deadline are left out).</summary>
    [Id(7)]
    public DateTimeOffset? DeadlineTo { get; init; }

    /// <summary>Words that the title or the description contains (case-insensitive).</summary>
    [Id(8)]
    public string? Text { get; init; }

    [Id(9)]
    public long AfterId { get; init; }

    [Id(10)]
    public int Limit { get; init; } = 100;
}
