namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>A hierarchy rule. Exactly one of the settings matching <see cref="Kind"/> is set.</summary>
[GenerateSerializer]
[Alias("fm.organization.PolicyRuleDto")]
public sealed record PolicyRuleDto
{
    [Id(0)]
    public required long Id { get; init; }

    [Id(1)]
    public required long CompanyId { get; init; }

    /// <summary>Stable slug, such as "sales-never-above-engineering"; denials name it.</summary>
    [Id(2)]
    public required string Name { get; init; }

    [Id(3)]
    public required PolicyRuleKind Kind { get; init; }

    [Id(4)]
    public required string Description { get; init; }

    [Id(5)]
    public required bool Enabled { get; init; }

    [Id(6)]
    public DelegationScopeRule? DelegationScope { get; init; }

    [Id(7)]
    public RoleSeparationRule? RoleSeparation { get; init; }

    [Id(8)]
    public ApprovalRule? Approval { get; init; }

    [Id(9)]
    public required long Version { get; init; }

    [Id(10)]
    public required DateTimeOffset UpdatedAt { get; init; }
}
