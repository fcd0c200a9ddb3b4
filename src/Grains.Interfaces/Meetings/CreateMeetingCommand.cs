namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>
/// A new meeting, in draft until started. Without a limit the conversation lasts
/// <see cref="DefaultRounds"/> rounds (each participant speaks once per round).
/// </summary>
public sealed record CreateMeetingCommand
{
    public const int DefaultRounds = 3;

    public required long CompanyId { get; init; }

    public required string Title { get; init; }

    public string Goal { get; init; } = "";

    public IReadOnlyList<string> Agenda { get; init; } = [];

    /// <summary>The agents taking part, in speaking order.</summary>
    public required IReadOnlyList<long> ParticipantAgentIds { get; init; }

    public int? MaxRounds { get; init; }

    public long? MaxTokens { get; init; }

    /// <summary>Largest spend of the meeting, USD; null: none.</summary>
    public decimal? Budget { get; init; }

    /// <summary>Dispatch the calls to action as soon as the minutes are written.</summary>
    public bool AutoDispatch { get; init; }

    /// <summary>The model writing the minutes; default: the first participant's model.</summary>
    public string? Model { get; init; }
}
