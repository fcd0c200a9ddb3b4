namespace FluidManager.Grains.Interfaces.Work;

/// <summary>A question from an agent to whoever created its task (<see cref="AskedOf"/>: "human:3" or "agent:7").</summary>
public sealed record ClarificationDto(
    long Id,
    long CompanyId,
    long TaskId,
    long AgentId,
    string AskedOf,
    string Question,
    ClarificationStatus Status,
    string? Answer,
    DateTimeOffset AskedAt,
    DateTimeOffset? AnsweredAt,
    string? AnsweredBy);
