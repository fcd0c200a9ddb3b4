namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The minutes of a meeting.</summary>
public sealed record MinutesDto(
    long MeetingId,
    string Summary,
    IReadOnlyList<DecisionDto> Decisions,
    IReadOnlyList<string> Risks,
    IReadOnlyList<string> OpenQuestions,
    IReadOnlyList<CtaDto> CallsToAction,
    string Model,
    int Attempts,
    DateTimeOffset CreatedAt);
