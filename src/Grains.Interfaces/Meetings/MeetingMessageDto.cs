namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>One complete message of the transcript; <see cref="Seq"/> orders them.</summary>
[GenerateSerializer]
[Alias("fm.meetings.MeetingMessageDto")]
public sealed record MeetingMessageDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long MeetingId,
    [property: Id(2)] int Seq,
    [property: Id(3)] int Round,
    [property: Id(4)] SpeakerKind SpeakerKind,
    [property: Id(5)] string Speaker,
    [property: Id(6)] long? SpeakerAgentId,
    [property: Id(7)] long? ToAgentId,
    [property: Id(8)] string Text,
    [property: Id(9)] int? AnsweredBySeq,
    [property: Id(10)] int InputTokens,
    [property: Id(11)] int OutputTokens,
    [property: Id(12)] decimal Cost,
    [property: Id(13)] DateTimeOffset At);
