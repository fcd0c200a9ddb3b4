namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// An approval request. For <see cref="ApprovalKind.BudgetRaise"/>, <see cref="Limit"/> names the limit that
/// was reached and <see cref="ProposedLimit"/> the value approving sets it to.
/// </summary>
public sealed record ApprovalDto(
    long Id,
    long CompanyId,
    long TaskId,
    long AgentId,
    ApprovalKind Kind,
    string Action,
    string Reason,
    decimal? Amount,
    BudgetLimit? Limit,
    decimal? CurrentLimit,
    decimal? ProposedLimit,
    ApprovalStatus Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    string? Comment);
