namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The minutes of a meeting.</summary>
[GenerateSerializer]
[Alias("fm.meetings.MinutesDto")]
public sealed record MinutesDto(
    [property: Id(0)] long MeetingId,
    [property: Id(1)] string Summary,
    [property: Id(2)] IReadOnlyList<DecisionDto> Decisions,
    [property: Id(3)] IReadOnlyList<string> Risks,
    [property: Id(4)] IReadOnlyList<string> OpenQuestions,
    [property: Id(5)] IReadOnlyList<CtaDto> CallsToAction,
    [property: Id(6)] string Model,
    [property: Id(7)] int Attempts,
    [property: Id(8)] DateTimeOffset CreatedAt);
