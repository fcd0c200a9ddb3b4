namespace FluidManager.Grains.Organization;

/// <summary>
/// Posted to the company's hierarchy policy grain by the turn that hires an agent or changes its name, role,
/// department or status: the policy grain applies it in a write turn of its own, after which the chart it keeps
/// in memory is read anew.
/// </summary>
public sealed record AgentChanged(long CompanyId, long AgentId);
