namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>The running task waits for the CEO to approve an action (publication, spending, external action).</summary>
public sealed record RequestApprovalCommand(long CompanyId, string Action, string? Reason = null, long? ExpectedVersion = null);
