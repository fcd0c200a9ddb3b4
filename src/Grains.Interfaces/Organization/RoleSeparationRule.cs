namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>An agent matching <see cref="Upper"/> can never be above, nor assign to, an agent matching <see cref="Lower"/>.</summary>
[GenerateSerializer]
[Alias("fm.organization.RoleSeparationRule")]
public sealed record RoleSeparationRule(
    [property: Id(0)] AgentSelector Upper,
    [property: Id(1)] AgentSelector Lower,
    [property: Id(2)] string Reason);
