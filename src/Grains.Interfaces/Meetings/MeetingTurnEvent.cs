namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A participant was asked to speak (or, with no agent, the minutes are being written).</summary>
[GenerateSerializer]
[Alias("fm.meetings.MeetingTurnEvent")]
public sealed record MeetingTurnEvent(
    [property: Id(0)] long MeetingId,
    [property: Id(1)] long? AgentId,
    [property: Id(2)] int Round,
    [property: Id(3)] Guid ActivityId,
    [property: Id(4)] string Model,
    [property: Id(5)] long ReservedTokens,
    [property: Id(6)] decimal ReservedCost);
