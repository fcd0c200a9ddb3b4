namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Payload of agent.delegated on the delegating agent's stream.</summary>
public sealed record DelegatedEvent(long FromAgentId, long ToAgentId, long TaskId, long? ParentTaskId);
