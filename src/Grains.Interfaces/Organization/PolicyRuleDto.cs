namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>A hierarchy rule. Exactly one of the settings matching <see cref="Kind"/> is set.</summary>
public sealed record PolicyRuleDto
{
    public required long Id { get; init; }

    public required long CompanyId { get; init; }

    /// <summary>Stable slug, such as "sales-never-above-engineering"; denials name it.</summary>
    public required string Name { get; init; }

    public required PolicyRuleKind Kind { get; init; }

    public required string Description { get; init; }

    public required bool Enabled { get; init; }

    public DelegationScopeRule? DelegationScope { get; init; }

    public RoleSeparationRule? RoleSeparation { get; init; }

    public ApprovalRule? Approval { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
