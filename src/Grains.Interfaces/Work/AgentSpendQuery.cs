namespace FluidManager.Grains.Interfaces.Work;

/// <summary>An agent's spend; with <see cref="Subtree"/>, also that of every agent under it in the current org chart.</summary>
[GenerateSerializer]
[Alias("fm.work.AgentSpendQuery")]
public sealed record AgentSpendQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] bool Subtree = true,
    [property: Id(3)] DateOnly? From = null,
    [property: Id(4)] DateOnly? To = null);
