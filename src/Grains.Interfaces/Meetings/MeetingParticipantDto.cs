namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A participant with what its turns used.</summary>
[GenerateSerializer]
[Alias("fm.meetings.MeetingParticipantDto")]
public sealed record MeetingParticipantDto(
    [property: Id(0)] long AgentId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role,
    [property: Id(3)] string Department,
    [property: Id(4)] int Position,
    [property: Id(5)] int Messages,
    [property: Id(6)] long InputTokens,
    [property: Id(7)] long OutputTokens,
    [property: Id(8)] decimal Cost);
