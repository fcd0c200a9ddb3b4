namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A participant with what its turns used.</summary>
public sealed record MeetingParticipantDto(
    long AgentId,
    string Name,
    string Role,
    string Department,
    int Position,
    int Messages,
    long InputTokens,
    long OutputTokens,
    decimal Cost);
