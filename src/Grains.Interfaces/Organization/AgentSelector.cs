namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Matches agents whose department or role is listed (case-insensitive).</summary>
public sealed record AgentSelector
{
    public IReadOnlyList<string> Departments { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = [];
}
