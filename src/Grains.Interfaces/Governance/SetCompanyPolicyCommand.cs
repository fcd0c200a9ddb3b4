namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>Replaces the company's governance settings (a null field: none, or the default).</summary>
[GenerateSerializer]
[Alias("fm.governance.SetCompanyPolicyCommand")]
public sealed record SetCompanyPolicyCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    [Id(2)]
    public decimal? MonthlyBudgetUsd { get; init; }

    [Id(3)]
    public long? MonthlyTokenLimit { get; init; }

    [Id(4)]
    public DefaultAgentLimits DefaultAgentLimits { get; init; } = new();

    [Id(5)]
    public int? WebDailyQuota { get; init; }

    [Id(6)]
    public CeoAssignment CeoAssignment { get; init; } = CeoAssignment.FollowHierarchy;

    /// <summary>The version read before the change; a different current version refuses it (412).</summary>
    [Id(7)]
    public long? ExpectedVersion { get; init; }
}
