using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>
/// The agent hands work to one of its subordinates: the hierarchy policy is asked, then the
/// subtask is created and assigned, all in one turn.
/// </summary>
[GenerateSerializer]
[Alias("fm.agents.DelegateCommand")]
public sealed record DelegateCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long ToAgentId { get; init; }

    [Id(2)]
    public required string Title { get; init; }

    [Id(3)]
    public string Description { get; init; } = "";

    /// <summary>The delegating agent's own task this work is part of; it must be assigned to the delegating agent.</summary>
    [Id(4)]
    public long? ParentTaskId { get; init; }

    [Id(5)]
    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    [Id(6)]
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Defaults to the parent task's project.</summary>
    [Id(7)]
    public string? Project { get; init; }
}
