namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>An escalation; <see cref="ToAgentId"/> null means the CEO seat (the CEO inbox).</summary>
public sealed record EscalationDto(
    long Id,
    long CompanyId,
    long FromAgentId,
    long? ToAgentId,
    long? TaskId,
    string Subject,
    string Body,
    bool Open,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? Resolution);
