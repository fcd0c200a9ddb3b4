namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Replaces the agent's profile. A role or department change is checked against the hierarchy rules.</summary>
public sealed record UpdateAgentCommand(long CompanyId, AgentProfile Profile, long? ExpectedVersion = null);
