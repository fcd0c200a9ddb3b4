namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>The company's governance settings, with the server's bounds and the agents they leave flagged.</summary>
[GenerateSerializer]
[Alias("fm.governance.CompanyPolicyDto")]
public sealed record CompanyPolicyDto
{
    [Id(0)]
    public required long CompanyId { get; init; }

    /// <summary>Models the company's agents may use: ids or <c>provider:*</c>; empty: all of <see cref="ServerAllowedModels"/>.</summary>
    [Id(1)]
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    /// <summary>The server's list (<c>Fluid:Models:Allowed</c>), the outer bound of <see cref="AllowedModels"/>.</summary>
    [Id(2)]
    public IReadOnlyList<string> ServerAllowedModels { get; init; } = [];

    /// <summary>Monthly budget for model calls in USD (null: none).</summary>
    [Id(3)]
    public decimal? MonthlyBudgetUsd { get; init; }

    /// <summary>Monthly budget in tokens (null: none).</summary>
    [Id(4)]
    public long? MonthlyTokenLimit { get; init; }

    [Id(5)]
    public DefaultAgentLimits DefaultAgentLimits { get; init; } = new();

    /// <summary>Web tool requests one agent may make per UTC day (null: no quota).</summary>
    [Id(6)]
    public int? WebDailyQuota { get; init; }

    [Id(7)]
    public CeoAssignment CeoAssignment { get; init; } = CeoAssignment.FollowHierarchy;

    /// <summary>Agents whose model the lists no longer allow.</summary>
    [Id(8)]
    public IReadOnlyList<FlaggedAgentDto> FlaggedAgents { get; init; } = [];

    /// <summary>Bumped by every change (0: never set).</summary>
    [Id(9)]
    public long Version { get; init; }

    [Id(10)]
    public DateTimeOffset? UpdatedAt { get; init; }
}
