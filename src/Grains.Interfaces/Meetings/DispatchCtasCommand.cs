namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Dispatches the named calls to action, or every proposed or refused one when none are named.</summary>
[GenerateSerializer]
[Alias("fm.meetings.DispatchCtasCommand")]
public sealed record DispatchCtasCommand([property: Id(0)] long CompanyId, [property: Id(1)] IReadOnlyList<long>? CtaIds = null);
