namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Does this action need the CEO's approval? <see cref="Amount"/> matters for spending.</summary>
[GenerateSerializer]
[Alias("fm.organization.ApprovalQuestion")]
public sealed record ApprovalQuestion(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] ApprovalAction Action,
    [property: Id(2)] decimal? Amount = null);
