namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>An escalation; <see cref="ToAgentId"/> null means the CEO seat (the CEO inbox).</summary>
[GenerateSerializer]
[Alias("fm.agents.EscalationDto")]
public sealed record EscalationDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long FromAgentId,
    [property: Id(3)] long? ToAgentId,
    [property: Id(4)] long? TaskId,
    [property: Id(5)] string Subject,
    [property: Id(6)] string Body,
    [property: Id(7)] bool Open,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? ResolvedAt,
    [property: Id(10)] string? ResolvedBy,
    [property: Id(11)] string? Resolution);
