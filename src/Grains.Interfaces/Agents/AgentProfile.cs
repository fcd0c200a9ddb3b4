namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Everything the CEO writes about an agent: identity, place in the company, prompt, model, tools and limits.</summary>
[GenerateSerializer]
[Alias("fm.agents.AgentProfile")]
public sealed record AgentProfile
{
    [Id(0)]
    public required string FirstName { get; init; }

    [Id(1)]
    public required string LastName { get; init; }

    /// <summary>Job title, such as "Developer", "CTO" or "Sales Manager"; hierarchy role rules match on it.</summary>
    [Id(2)]
    public required string Role { get; init; }

    /// <summary>Such as "Engineering" or "Sales"; hierarchy role rules match on it.</summary>
    [Id(3)]
    public required string Department { get; init; }

    [Id(4)]
    public AgentSeniority Seniority { get; init; } = AgentSeniority.Mid;

    [Id(5)]
    public string Bio { get; init; } = "";

    /// <summary>Topics the agent is drawn to; used to route work and meetings.</summary>
    [Id(6)]
    public IReadOnlyList<string> Affinities { get; init; } = [];

    [Id(7)]
    public string SystemPrompt { get; init; } = "";

    [Id(8)]
    public string StyleGuidelines { get; init; } = "";

    /// <summary>The model the agent runs on, such as "offline" or "gpt-4o-mini".</summary>
    [Id(9)]
    public required string Model { get; init; }

    /// <summary>Subset of <see cref="AgentTools.All"/>.</summary>
    [Id(10)]
    public IReadOnlyList<string> AllowedTools { get; init; } = [];

    [Id(11)]
    public AgentLimits Limits { get; init; } = new();
}
