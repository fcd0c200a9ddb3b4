using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>
/// The agent hands work to one of its subordinates: the hierarchy policy is asked, then the
/// subtask is created and assigned, all in one turn.
/// </summary>
public sealed record DelegateCommand
{
    public required long CompanyId { get; init; }

    public required long ToAgentId { get; init; }

    public required string Title { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The delegating agent's own task this work is part of; it must be assigned to the delegating agent.</summary>
    public long? ParentTaskId { get; init; }

    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Defaults to the parent task's project.</summary>
    public string? Project { get; init; }
}
