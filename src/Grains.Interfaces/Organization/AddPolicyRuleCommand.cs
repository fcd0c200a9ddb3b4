namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Adds a rule; set the one settings property that matches <see cref="Kind"/>.</summary>
[GenerateSerializer]
[Alias("fm.organization.AddPolicyRuleCommand")]
public sealed record AddPolicyRuleCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    [Id(2)]
    public required PolicyRuleKind Kind { get; init; }

    [Id(3)]
    public string Description { get; init; } = "";

    [Id(4)]
    public bool Enabled { get; init; } = true;

    [Id(5)]
    public DelegationScopeRule? DelegationScope { get; init; }

    [Id(6)]
    public RoleSeparationRule? RoleSeparation { get; init; }

    [Id(7)]
    public ApprovalRule? Approval { get; init; }
}
