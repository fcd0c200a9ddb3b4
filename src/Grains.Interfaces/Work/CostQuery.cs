namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Spend grouped by <see cref="GroupBy"/> over the UTC days <see cref="From"/> to <see cref="To"/> (both included; null: unbounded).</summary>
public sealed record CostQuery(long CompanyId, CostGroupBy GroupBy, DateOnly? From = null, DateOnly? To = null);
