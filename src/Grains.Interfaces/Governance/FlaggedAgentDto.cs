namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>An agent whose model the allowed lists no longer include; it keeps its model until the CEO picks another.</summary>
[GenerateSerializer]
[Alias("fm.governance.FlaggedAgentDto")]
public sealed record FlaggedAgentDto(
    [property: Id(0)] long AgentId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Model,
    [property: Id(3)] string Reason);
