namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A meeting with its participants and its spend so far.</summary>
[GenerateSerializer]
[Alias("fm.meetings.MeetingDto")]
public sealed record MeetingDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Goal,
    [property: Id(4)] IReadOnlyList<string> Agenda,
    [property: Id(5)] MeetingStatus Status,
    [property: Id(6)] IReadOnlyList<MeetingParticipantDto> Participants,
    [property: Id(7)] int? MaxRounds,
    [property: Id(8)] long? MaxTokens,
    [property: Id(9)] decimal? Budget,
    [property: Id(10)] bool AutoDispatch,
    [property: Id(11)] string? Model,
    [property: Id(12)] int Round,
    [property: Id(13)] long? SpeakingAgentId,
    [property: Id(14)] int SynthesisAttempts,
    [property: Id(15)] long InputTokens,
    [property: Id(16)] long OutputTokens,
    [property: Id(17)] decimal Cost,
    [property: Id(18)] string? EndReason,
    [property: Id(19)] string? Error,
    [property: Id(20)] string CreatedBy,
    [property: Id(21)] DateTimeOffset CreatedAt,
    [property: Id(22)] DateTimeOffset? StartedAt,
    [property: Id(23)] DateTimeOffset? EndedAt,
    [property: Id(24)] long Version);
