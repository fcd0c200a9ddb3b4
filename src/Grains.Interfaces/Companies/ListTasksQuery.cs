using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>A page of the company's tasks, by id; pass the last id seen as <see cref="AfterId"/>.</summary>
public sealed record ListTasksQuery
{
    public required long CompanyId { get; init; }

    public TaskState? Status { get; init; }

    public long? AssigneeAgentId { get; init; }

    public long? ParentTaskId { get; init; }

    public long AfterId { get; init; }

    public int Limit { get; init; } = 100;
}
