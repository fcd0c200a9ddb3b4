namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Replaces a rule's description, switch and settings (its name and kind stay).</summary>
[GenerateSerializer]
[Alias("fm.organization.UpdatePolicyRuleCommand")]
public sealed record UpdatePolicyRuleCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long RuleId { get; init; }

    [Id(2)]
    public string Description { get; init; } = "";

    [Id(3)]
    public bool Enabled { get; init; } = true;

    [Id(4)]
    public DelegationScopeRule? DelegationScope { get; init; }

    [Id(5)]
    public RoleSeparationRule? RoleSeparation { get; init; }

    [Id(6)]
    public ApprovalRule? Approval { get; init; }

    [Id(7)]
    public long? ExpectedVersion { get; init; }
}
