namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Payload of the org.* events: the chart's new version and the edges ended and started.</summary>
public sealed record OrgChangedEvent(long CompanyId, long Version, long AgentId, OrgEdgeDto? Ended, OrgEdgeDto? Started);
