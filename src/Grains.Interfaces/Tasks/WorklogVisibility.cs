namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Who may read a worklog entry besides the CEO.</summary>
[GenerateSerializer]
[Alias("fm.tasks.WorklogVisibility")]
public enum WorklogVisibility
{
    /// <summary>Only the agent that wrote it.</summary>
    Agent,

    /// <summary>The agent and every manager above it.</summary>
    Manager,

    /// <summary>Every agent.</summary>
    Project,
}
