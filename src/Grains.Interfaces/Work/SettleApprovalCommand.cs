namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Records a decision taken on the task itself (its approve or reject command) on the pending request.</summary>
public sealed record SettleApprovalCommand(long CompanyId, bool Approved, string? Comment);
