namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Pauses, resumes, archives or restores an agent.</summary>
public sealed record SetAgentStatusCommand(long CompanyId, AgentStatus Status, long? ExpectedVersion = null);
