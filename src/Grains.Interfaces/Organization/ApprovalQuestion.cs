namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Does this action need the CEO's approval? <see cref="Amount"/> matters for spending.</summary>
public sealed record ApprovalQuestion(long CompanyId, ApprovalAction Action, decimal? Amount = null);
