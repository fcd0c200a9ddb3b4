namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>
/// What an agent can take on, for whoever routes work to it: its role, skills, tools, data sources, limits and
/// the work it holds now.
/// </summary>
[GenerateSerializer]
[Alias("fm.agents.AgentCapabilitiesDto")]
public sealed record AgentCapabilitiesDto
{
    [Id(0)]
    public required long AgentId { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    [Id(2)]
    public required string Role { get; init; }

    [Id(3)]
    public required string Department { get; init; }

    [Id(4)]
    public required AgentSeniority Seniority { get; init; }

    [Id(5)]
    public required AgentStatus Status { get; init; }

    [Id(6)]
    public required string Model { get; init; }

    /// <summary>The topics the agent is drawn to (its profile's affinities).</summary>
    [Id(7)]
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>The tools its task loop offers: the company tools, with delegation only for a manager, then the governed tools it is allowed.</summary>
    [Id(8)]
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The governed tools of its profile (rag, sql, web).</summary>
    [Id(9)]
    public IReadOnlyList<string> GovernedTools { get; init; } = [];

    /// <summary>The SQL data sources the sql tool may query for it.</summary>
    [Id(10)]
    public IReadOnlyList<string> SqlSources { get; init; } = [];

    /// <summary>The domains the web tool may reach for it.</summary>
    [Id(11)]
    public IReadOnlyList<string> WebDomains { get; init; } = [];

    [Id(12)]
    public required AgentLimits Limits { get; init; }

    [Id(13)]
    public required AgentLoadDto Load { get; init; }

    [Id(14)]
    public int DirectReports { get; init; }
}
