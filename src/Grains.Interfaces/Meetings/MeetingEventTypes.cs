namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Events of stream <c>meeting:{id}</c> and the payload each carries.</summary>
public static class MeetingEventTypes
{
    /// <summary>Payload MeetingDto.</summary>
    public const string Created = "meeting.created";

    /// <summary>Payload MeetingDto.</summary>
    public const string Started = "meeting.started";

    /// <summary>Payload MeetingMessageDto: one complete message, in transcript order.</summary>
    public const string Message = "meeting.message";

    /// <summary>Payload MeetingTurnEvent: a participant was asked to speak.</summary>
    public const string TurnStarted = "meeting.turn_started";

    /// <summary>Payload MeetingDto as it was: the tombstone of a deleted meeting.</summary>
    public const string Deleted = "meeting.deleted";

    /// <summary>Payload MeetingDto: the conversation is over (EndReason says why).</summary>
    public const string Ended = "meeting.ended";

    /// <summary>Payload MeetingDto: a synthesis answer was invalid (Error says why); another attempt follows unless it failed.</summary>
    public const string SynthesisRejected = "meeting.synthesis_rejected";

    /// <summary>Payload MinutesDto.</summary>
    public const string Minutes = "meeting.minutes";

    /// <summary>Payload MeetingDto: the minutes could not be written.</summary>
    public const string Failed = "meeting.failed";

    /// <summary>Payload MeetingDto.</summary>
    public const string SettingsChanged = "meeting.settings_changed";

    /// <summary>Payload CtaDto.</summary>
    public const string CtaUpdated = "meeting.cta.updated";

    /// <summary>Payload CtaDto.</summary>
    public const string CtaDispatched = "meeting.cta.dispatched";

    /// <summary>Payload CtaDto: the hierarchy policy refused the route.</summary>
    public const string CtaRefused = "meeting.cta.refused";

    /// <summary>Payload ArtifactDto.</summary>
    public const string Exported = "meeting.exported";
}
