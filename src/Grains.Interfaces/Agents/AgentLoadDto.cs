namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>The work an agent holds now (its assigned tasks by status) and what it spent today (UTC day).</summary>
[GenerateSerializer]
[Alias("fm.agents.AgentLoadDto")]
public sealed record AgentLoadDto(
    [property: Id(0)] int Queued,
    [property: Id(1)] int Running,
    [property: Id(2)] int Waiting,
    [property: Id(3)] long TokensToday,
    [property: Id(4)] decimal CostToday);
