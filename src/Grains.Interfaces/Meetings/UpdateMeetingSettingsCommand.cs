namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Changes the meeting's budget (with <see cref="SetBudget"/>; null removes it) and auto-dispatch.</summary>
[GenerateSerializer]
[Alias("fm.meetings.UpdateMeetingSettingsCommand")]
public sealed record UpdateMeetingSettingsCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] bool SetBudget = false,
    [property: Id(2)] decimal? Budget = null,
    [property: Id(3)] bool? AutoDispatch = null);
