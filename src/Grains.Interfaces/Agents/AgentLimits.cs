namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>What an agent may consume and reach. A null limit means "no limit of its own".</summary>
public sealed record AgentLimits
{
    public long? TokensPerDay { get; init; }

    public long? TokensPerMonth { get; init; }

    /// <summary>Highest total cost, in the company's currency.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>Domains the web tool may reach, such as <c>example.com</c> or <c>*.example.com</c>.</summary>
    public IReadOnlyList<string> WebDomains { get; init; } = [];

    /// <summary>Names of the SQL data sources the sql tool may query.</summary>
    public IReadOnlyList<string> SqlSources { get; init; } = [];
}
