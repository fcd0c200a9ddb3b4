namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>One complete message of the transcript; <see cref="Seq"/> orders them.</summary>
public sealed record MeetingMessageDto(
    long Id,
    long MeetingId,
    int Seq,
    int Round,
    SpeakerKind SpeakerKind,
    string Speaker,
    long? SpeakerAgentId,
    long? ToAgentId,
    string Text,
    int? AnsweredBySeq,
    int InputTokens,
    int OutputTokens,
    decimal Cost,
    DateTimeOffset At);
