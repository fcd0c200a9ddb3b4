namespace FluidManager.Grains.Interfaces.Agents;

[GenerateSerializer]
[Alias("fm.agents.AgentDeletedEvent")]
public sealed record AgentDeletedEvent(
    [property: Id(0)] long AgentId,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] string DisplayName);
