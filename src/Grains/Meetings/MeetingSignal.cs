namespace FluidManager.Grains.Meetings;

/// <summary>Tells a meeting to take its next step (schedule a turn or the synthesis); handled in a silo with agent work.</summary>
public sealed record MeetingSignal(long CompanyId);
