namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Replaces a rule's description, switch and settings (its name and kind stay).</summary>
public sealed record UpdatePolicyRuleCommand
{
    public required long CompanyId { get; init; }

    public required long RuleId { get; init; }

    public string Description { get; init; } = "";

    public bool Enabled { get; init; } = true;

    public DelegationScopeRule? DelegationScope { get; init; }

    public RoleSeparationRule? RoleSeparation { get; init; }

    public ApprovalRule? Approval { get; init; }

    public long? ExpectedVersion { get; init; }
}
