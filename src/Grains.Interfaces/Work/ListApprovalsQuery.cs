namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Approval requests of a company, optionally by status or task; oldest first.</summary>
public sealed record ListApprovalsQuery(long CompanyId, ApprovalStatus? Status = null, long? TaskId = null, int Limit = 200);
