namespace FluidManager.Grains.Interfaces.Work;

/// <summary>An agent's spend; with <see cref="Subtree"/>, also that of every agent under it in the current org chart.</summary>
public sealed record AgentSpendQuery(long CompanyId, long AgentId, bool Subtree = true, DateOnly? From = null, DateOnly? To = null);
