namespace FluidManager.Grains.Interfaces.Agents;

public sealed record AgentDeletedEvent(long AgentId, long CompanyId, string DisplayName);
