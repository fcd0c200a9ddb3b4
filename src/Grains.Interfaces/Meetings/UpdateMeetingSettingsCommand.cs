namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Changes the meeting's budget (with <see cref="SetBudget"/>; null removes it) and auto-dispatch.</summary>
public sealed record UpdateMeetingSettingsCommand(long CompanyId, bool SetBudget = false, decimal? Budget = null, bool? AutoDispatch = null);
