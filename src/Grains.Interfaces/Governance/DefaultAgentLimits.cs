namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>The limits a new agent starts with when its profile sets none of its own (null: no limit).</summary>
[GenerateSerializer]
[Alias("fm.governance.DefaultAgentLimits")]
public sealed record DefaultAgentLimits
{
    [Id(0)]
    public long? TokensPerDay { get; init; }

    [Id(1)]
    public long? TokensPerMonth { get; init; }

    /// <summary>Highest total cost, in USD.</summary>
    [Id(2)]
    public decimal? MaxCost { get; init; }
}
