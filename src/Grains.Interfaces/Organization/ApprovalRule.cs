namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The action needs the CEO's approval; for spending, only above <see cref="Threshold"/> (null or 0: always).</summary>
public sealed record ApprovalRule(ApprovalAction Action, decimal? Threshold = null);
