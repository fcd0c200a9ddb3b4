namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A meeting with its participants and its spend so far.</summary>
public sealed record MeetingDto(
    long Id,
    long CompanyId,
    string Title,
    string Goal,
    IReadOnlyList<string> Agenda,
    MeetingStatus Status,
    IReadOnlyList<MeetingParticipantDto> Participants,
    int? MaxRounds,
    long? MaxTokens,
    decimal? Budget,
    bool AutoDispatch,
    string? Model,
    int Round,
    long? SpeakingAgentId,
    int SynthesisAttempts,
    long InputTokens,
    long OutputTokens,
    decimal Cost,
    string? EndReason,
    string? Error,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    long Version);
