namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Everything the CEO writes about an agent: identity, place in the company, prompt, model, tools and limits.</summary>
public sealed record AgentProfile
{
    public required string FirstName { get; init; }

    public required string LastName { get; init; }

    /// <summary>Job title, such as "Developer", "CTO" or "Sales Manager"; hierarchy role rules match on it.</summary>
    public required string Role { get; init; }

    /// <summary>Such as "Engineering" or "Sales"; hierarchy role rules match on it.</summary>
    public required string Department { get; init; }

    public AgentSeniority Seniority { get; init; } = AgentSeniority.Mid;

    public string Bio { get; init; } = "";

    /// <summary>Topics the agent is drawn to; used to route work and meetings.</summary>
    public IReadOnlyList<string> Affinities { get; init; } = [];

    public string SystemPrompt { get; init; } = "";

    public string StyleGuidelines { get; init; } = "";

    /// <summary>The model the agent runs on, such as "offline" or "gpt-4o-mini".</summary>
    public required string Model { get; init; }

    /// <summary>Subset of <see cref="AgentTools.All"/>.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = [];

    public AgentLimits Limits { get; init; } = new();
}
