namespace FluidManager.Grains.Interfaces.Organization;

[GenerateSerializer]
[Alias("fm.organization.PolicyRuleKind")]
public enum PolicyRuleKind
{
    /// <summary>Who an agent may assign to: its direct subordinates, or its whole subtree.</summary>
    DelegationScope,

    /// <summary>Agents matching "upper" may never be above, nor assign to, agents matching "lower".</summary>
    RoleSeparation,

    /// <summary>An action that needs the CEO's approval.</summary>
    ApprovalRequired,
}
