namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Adds a rule; set the one settings property that matches <see cref="Kind"/>.</summary>
public sealed record AddPolicyRuleCommand
{
    public required long CompanyId { get; init; }

    public required string Name { get; init; }

    public required PolicyRuleKind Kind { get; init; }

    public string Description { get; init; } = "";

    public bool Enabled { get; init; } = true;

    public DelegationScopeRule? DelegationScope { get; init; }

    public RoleSeparationRule? RoleSeparation { get; init; }

    public ApprovalRule? Approval { get; init; }
}
