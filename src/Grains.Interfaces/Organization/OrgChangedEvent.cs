namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Payload of the org.* events: the chart's new version and the edges ended and started.</summary>
[GenerateSerializer]
[Alias("fm.organization.OrgChangedEvent")]
public sealed record OrgChangedEvent(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long Version,
    [property: Id(2)] long AgentId,
    [property: Id(3)] OrgEdgeDto? Ended,
    [property: Id(4)] OrgEdgeDto? Started);
