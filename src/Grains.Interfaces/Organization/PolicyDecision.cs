namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The policy's answer; when not allowed, the rule that refused and why.</summary>
[GenerateSerializer]
[Alias("fm.organization.PolicyDecision")]
public sealed record PolicyDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string? Rule = null,
    [property: Id(2)] string? Reason = null)
{
    public static PolicyDecision Allow { get; } = new(true);

    public static PolicyDecision Deny(string rule, string reason) => new(false, rule, reason);
}
