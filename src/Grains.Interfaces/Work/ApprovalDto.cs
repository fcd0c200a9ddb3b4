namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// An approval request. For <see cref="ApprovalKind.BudgetRaise"/>, <see cref="Limit"/> names the limit that
/// was reached and <see cref="ProposedLimit"/> the value approving sets it to.
/// For a tool call held for approval, <see cref="Tool"/> names the tool and its arguments: approving runs it, rejecting answers the agent with the reason.
/// </summary>
[GenerateSerializer]
[Alias("fm.work.ApprovalDto")]
public sealed record ApprovalDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long TaskId,
    [property: Id(3)] long AgentId,
    [property: Id(4)] ApprovalKind Kind,
    [property: Id(5)] string Action,
    [property: Id(6)] string Reason,
    [property: Id(7)] decimal? Amount,
    [property: Id(8)] BudgetLimit? Limit,
    [property: Id(9)] decimal? CurrentLimit,
    [property: Id(10)] decimal? ProposedLimit,
    [property: Id(11)] ApprovalStatus Status,
    [property: Id(12)] DateTimeOffset RequestedAt,
    [property: Id(13)] DateTimeOffset? ExpiresAt,
    [property: Id(14)] DateTimeOffset? DecidedAt,
    [property: Id(15)] string? DecidedBy,
    [property: Id(16)] string? Comment,
    [property: Id(17)] ApprovalToolCall? Tool = null);
