namespace FluidManager.Knowledge.Spaces;

/// <summary>Whom an ACL rule matches.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.AclPrincipalKind")]
public enum AclPrincipalKind
{
    /// <summary>Every agent of the company.</summary>
    Everyone,

    /// <summary>One agent, by id.</summary>
    Agent,

    /// <summary>Agents whose role (job title) is the rule's name, ignoring case.</summary>
    Role,

    /// <summary>Agents whose department is the rule's name, ignoring case.</summary>
    Department,
}
