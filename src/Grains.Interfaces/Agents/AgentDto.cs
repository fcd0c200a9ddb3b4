namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>An agent as the dashboard sees it. <see cref="Version"/> is the value to send back as ExpectedVersion (ETag).</summary>
[GenerateSerializer]
[Alias("fm.agents.AgentDto")]
public sealed record AgentDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] AgentProfile Profile,
    [property: Id(3)] AgentStatus Status,
    [property: Id(4)] long? AvatarArtifactId,
    [property: Id(5)] long? ManagerAgentId,
    [property: Id(6)] bool ReportsToCeo,
    [property: Id(7)] long Version,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt)
{
    public string DisplayName => $"{Profile.FirstName} {Profile.LastName}";
}
