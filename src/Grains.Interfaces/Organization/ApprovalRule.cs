namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>The action needs the CEO's approval; for spending, only above <see cref="Threshold"/> (null or 0: always).</summary>
[GenerateSerializer]
[Alias("fm.organization.ApprovalRule")]
public sealed record ApprovalRule([property: Id(0)] ApprovalAction Action, [property: Id(1)] decimal? Threshold = null);
