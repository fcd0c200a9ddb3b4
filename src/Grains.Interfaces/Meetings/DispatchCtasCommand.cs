namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Dispatches the named calls to action, or every proposed or refused one when none are named.</summary>
public sealed record DispatchCtasCommand(long CompanyId, IReadOnlyList<long>? CtaIds = null);
