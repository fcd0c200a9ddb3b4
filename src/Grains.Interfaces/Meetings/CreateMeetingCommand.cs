namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>
/// A new meeting, in draft until started. Without a limit the conversation lasts
/// <see cref="DefaultRounds"/> rounds (each participant speaks once per round).
/// </summary>
[GenerateSerializer]
[Alias("fm.meetings.CreateMeetingCommand")]
public sealed record CreateMeetingCommand
{
    public const int DefaultRounds = 3;

    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required string Title { get; init; }

    [Id(2)]
    public string Goal { get; init; } = "";

    [Id(3)]
    public IReadOnlyList<string> Agenda { get; init; } = [];

    /// <summary>The agents taking part, in speaking order.</summary>
    [Id(4)]
    public required IReadOnlyList<long> ParticipantAgentIds { get; init; }

    [Id(5)]
    public int? MaxRounds { get; init; }

    [Id(6)]
    public long? MaxTokens { get; init; }

    /// <summary>Largest spend of the meeting, USD; null: none.</summary>
    [Id(7)]
    public decimal? Budget { get; init; }

    /// <summary>Dispatch the calls to action as soon as the minutes are written.</summary>
    [Id(8)]
    public bool AutoDispatch { get; init; }

    /// <summary>The model writing the minutes; default: the first participant's model.</summary>
    [Id(9)]
    public string? Model { get; init; }
}
