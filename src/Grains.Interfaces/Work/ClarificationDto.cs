namespace FluidManager.Grains.Interfaces.Work;

/// <summary>A question from an agent to whoever created its task (<see cref="AskedOf"/>: "human:3" or "agent:7").</summary>
[GenerateSerializer]
[Alias("fm.work.ClarificationDto")]
public sealed record ClarificationDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long TaskId,
    [property: Id(3)] long AgentId,
    [property: Id(4)] string AskedOf,
    [property: Id(5)] string Question,
    [property: Id(6)] ClarificationStatus Status,
    [property: Id(7)] string? Answer,
    [property: Id(8)] DateTimeOffset AskedAt,
    [property: Id(9)] DateTimeOffset? AnsweredAt,
    [property: Id(10)] string? AnsweredBy);
