namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>The running task waits for the CEO to approve an action (publication, spending, external action).</summary>
[GenerateSerializer]
[Alias("fm.tasks.RequestApprovalCommand")]
public sealed record RequestApprovalCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Action,
    [property: Id(2)] string? Reason = null,
    [property: Id(3)] long? ExpectedVersion = null);
