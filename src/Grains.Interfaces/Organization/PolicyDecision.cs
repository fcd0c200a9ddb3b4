namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The policy's answer; when not allowed, the rule that refused and why.</summary>
public sealed record PolicyDecision(bool Allowed, string? Rule = null, string? Reason = null)
{
    public static PolicyDecision Allow { get; } = new(true);

    public static PolicyDecision Deny(string rule, string reason) => new(false, rule, reason);
}
