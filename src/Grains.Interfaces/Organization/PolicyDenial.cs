namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>A refused action, recorded as a "policy.denied" event that outlives the refused turn.</summary>
public sealed record PolicyDenial
{
    public required long CompanyId { get; init; }

    /// <summary>What was attempted, such as "task.assign", "agent.delegate" or "org.add_edge".</summary>
    public required string Action { get; init; }

    public required string Rule { get; init; }

    public required string Reason { get; init; }

    /// <summary>Who asked: "agent:7", "human:3" or "system".</summary>
    public string? Actor { get; init; }

    public long? FromAgentId { get; init; }

    public long? ToAgentId { get; init; }

    public long? TaskId { get; init; }
}
