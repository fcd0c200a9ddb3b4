using FluidManager.Grains.Interfaces.Agents;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>
/// Hires an agent. With <see cref="PlaceInOrgChart"/> it reports to <see cref="ManagerAgentId"/>,
/// or to the CEO seat when that is null; the placement is checked like any org change.
/// </summary>
[GenerateSerializer]
[Alias("fm.companies.CreateAgentCommand")]
public sealed record CreateAgentCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required AgentProfile Profile { get; init; }

    [Id(2)]
    public AgentStatus Status { get; init; } = AgentStatus.Active;

    [Id(3)]
    public bool PlaceInOrgChart { get; init; } = true;

    [Id(4)]
    public long? ManagerAgentId { get; init; }
}
