namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>An agent matching <see cref="Upper"/> can never be above, nor assign to, an agent matching <see cref="Lower"/>.</summary>
public sealed record RoleSeparationRule(AgentSelector Upper, AgentSelector Lower, string Reason);
