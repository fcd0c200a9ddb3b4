namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>An agent as the dashboard sees it. <see cref="Version"/> is the value to send back as ExpectedVersion (ETag).</summary>
public sealed record AgentDto(
    long Id,
    long CompanyId,
    AgentProfile Profile,
    AgentStatus Status,
    long? AvatarArtifactId,
    long? ManagerAgentId,
    bool ReportsToCeo,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string DisplayName => $"{Profile.FirstName} {Profile.LastName}";
}
