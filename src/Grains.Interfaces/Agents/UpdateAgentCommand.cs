namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Replaces the agent's profile. A role or department change is checked against the hierarchy rules.</summary>
[GenerateSerializer]
[Alias("fm.agents.UpdateAgentCommand")]
public sealed record UpdateAgentCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] AgentProfile Profile,
    [property: Id(2)] long? ExpectedVersion = null);
