namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Whether an agent works: active agents run tasks, paused ones keep their queue, archived ones are retired.</summary>
[GenerateSerializer]
[Alias("fm.agents.AgentStatus")]
public enum AgentStatus
{
    Active,
    Paused,
    Archived,
}
