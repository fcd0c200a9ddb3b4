namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Pauses, resumes, archives or restores an agent.</summary>
[GenerateSerializer]
[Alias("fm.agents.SetAgentStatusCommand")]
public sealed record SetAgentStatusCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] AgentStatus Status,
    [property: Id(2)] long? ExpectedVersion = null);
