using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>A page of the company's tasks, by id; pass the last id seen as <see cref="AfterId"/>.</summary>
public sealed record ListTasksQuery
{
    public required long CompanyId { get; init; }

    public TaskState? Status { get; init; }

    public long? AssigneeAgentId { get; init; }

    public long? ParentTaskId { get; init; }

    public string? Project { get; init; }

    public TaskPriority? Priority { get; init; }

    /// <summary>Tasks whose deadline is at or after this instant (tasks without a deadline are left out).</summary>
    public DateTimeOffset? DeadlineFrom { get; init; }

    /// <summary>Tasks whose deadline is at or before this instant (tasks without a deadline are left out).</summary>
    public DateTimeOffset? DeadlineTo { get; init; }

    /// <summary>Words that the title or the description contains (case-insensitive).</summary>
    public string? Text { get; init; }

    public long AfterId { get; init; }

    public int Limit { get; init; } = 100;
}
