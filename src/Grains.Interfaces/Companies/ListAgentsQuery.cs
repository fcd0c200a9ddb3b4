using FluidManager.Grains.Interfaces.Agents;

namespace FluidManager.Grains.Interfaces.Companies;

[GenerateSerializer]
[Alias("fm.companies.ListAgentsQuery")]
public sealed record ListAgentsQuery([property: Id(0)] long CompanyId, [property: Id(1)] AgentStatus? Status = null);
