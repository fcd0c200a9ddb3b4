using FluidManager.Grains.Interfaces.Agents;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>
/// Hires an agent. With <see cref="PlaceInOrgChart"/> it reports to <see cref="ManagerAgentId"/>,
/// or to the CEO seat when that is null; the placement is checked like any org change.
/// </summary>
public sealed record CreateAgentCommand
{
    public required long CompanyId { get; init; }

    public required AgentProfile Profile { get; init; }

    public AgentStatus Status { get; init; } = AgentStatus.Active;

    public bool PlaceInOrgChart { get; init; } = true;

    public long? ManagerAgentId { get; init; }
}
