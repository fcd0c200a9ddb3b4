namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>What an agent may consume and reach. A null limit means "no limit of its own".</summary>
[GenerateSerializer]
[Alias("fm.agents.AgentLimits")]
public sealed record AgentLimits
{
    [Id(0)]
    public long? TokensPerDay { get; init; }

    [Id(1)]
    public long? TokensPerMonth { get; init; }

    /// <summary>Highest total cost, in the company's currency.</summary>
    [Id(2)]
    public decimal? MaxCost { get; init; }

    /// <summary>Domains the web tool may reach, such as <c>example.com</c> or <c>*.example.com</c>.</summary>
    [Id(3)]
    public IReadOnlyList<string> WebDomains { get; init; } = [];

    /// <summary>Names of the SQL data sources the sql tool may query.</summary>
    [Id(4)]
    public IReadOnlyList<string> SqlSources { get; init; } = [];

    /// <summary>How many of the agent's tasks may run at once (1-100); the others wait in the queue, by priority then age.</summary>
    [Id(5)]
    public int MaxConcurrentTasks { get; init; } = 1;

    /// <summary>How long one attempt of a task may run, in seconds (1-604800); a longer attempt fails. Null: no limit.</summary>
    [Id(6)]
    public int? AttemptTimeoutSeconds { get; init; }
}
