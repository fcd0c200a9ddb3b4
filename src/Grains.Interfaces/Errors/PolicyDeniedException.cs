namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The hierarchy policy refused the action (403 for the caller, with the rule's reason).</summary>
[GenerateSerializer]
[Alias("fm.errors.PolicyDeniedException")]
public sealed class PolicyDeniedException(string reason, string rule) : DomainException(reason, "policy_denied")
{
    /// <summary>The rule that refused, e.g. "direct_subordinates_only" or "role:sales-never-above-engineering".</summary>
    [Id(0)]
    public string Rule { get; } = rule;
}
