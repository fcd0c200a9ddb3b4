namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Payload of agent.delegated on the delegating agent's stream.</summary>
[GenerateSerializer]
[Alias("fm.agents.DelegatedEvent")]
public sealed record DelegatedEvent(
    [property: Id(0)] long FromAgentId,
    [property: Id(1)] long ToAgentId,
    [property: Id(2)] long TaskId,
    [property: Id(3)] long? ParentTaskId);
