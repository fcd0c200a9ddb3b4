namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Approval requests of a company, optionally by status or task; oldest first.</summary>
[GenerateSerializer]
[Alias("fm.work.ListApprovalsQuery")]
public sealed record ListApprovalsQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] ApprovalStatus? Status = null,
    [property: Id(2)] long? TaskId = null,
    [property: Id(3)] int Limit = 200);
