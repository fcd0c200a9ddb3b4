namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Matches agents whose department or role is listed (case-insensitive).</summary>
[GenerateSerializer]
[Alias("fm.organization.AgentSelector")]
public sealed record AgentSelector
{
    [Id(0)]
    public IReadOnlyList<string> Departments { get; init; } = [];

    [Id(1)]
    public IReadOnlyList<string> Roles { get; init; } = [];
}
