namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The CEO says something in the meeting, or asks one participant (<see cref="ToAgentId"/>).</summary>
[GenerateSerializer]
[Alias("fm.meetings.SpeakCommand")]
public sealed record SpeakCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Text,
    [property: Id(2)] long? ToAgentId = null);
