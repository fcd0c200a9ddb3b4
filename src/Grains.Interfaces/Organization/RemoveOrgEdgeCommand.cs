namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Ends the agent's current reporting line (it keeps its own reports); the edge stays in history.</summary>
[GenerateSerializer]
[Alias("fm.organization.RemoveOrgEdgeCommand")]
public sealed record RemoveOrgEdgeCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long SubordinateAgentId,
    [property: Id(2)] long? ExpectedVersion = null);
