namespace FluidManager.Grains.Interfaces.Meetings;

[GenerateSerializer]
[Alias("fm.meetings.MeetingStatus")]
public enum MeetingStatus
{
    /// <summary>Created, not started.</summary>
    Draft,

    /// <summary>The conversation goes on.</summary>
    Running,

    /// <summary>The conversation ended; the minutes are being written.</summary>
    Synthesizing,

    /// <summary>The minutes are written.</summary>
    Completed,

    /// <summary>The minutes could not be written (see the error); ending again retries.</summary>
    Failed,
}
