namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>A refused action, recorded as a "policy.denied" event that outlives the refused turn.</summary>
[GenerateSerializer]
[Alias("fm.organization.PolicyDenial")]
public sealed record PolicyDenial
{
    [Id(0)]
    public required long CompanyId { get; init; }

    /// <summary>What was attempted, such as "task.assign", "agent.delegate" or "org.add_edge".</summary>
    [Id(1)]
    public required string Action { get; init; }

    [Id(2)]
    public required string Rule { get; init; }

    [Id(3)]
    public required string Reason { get; init; }

    /// <summary>Who asked: "agent:7", "human:3" or "system".</summary>
    [Id(4)]
    public string? Actor { get; init; }

    [Id(5)]
    public long? FromAgentId { get; init; }

    [Id(6)]
    public long? ToAgentId { get; init; }

    [Id(7)]
    public long? TaskId { get; init; }
}
