using FluidManager.Grains.Interfaces.Agents;

namespace FluidManager.Grains.Interfaces.Companies;

public sealed record ListAgentsQuery(long CompanyId, AgentStatus? Status = null);
