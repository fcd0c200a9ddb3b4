namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Spend grouped by <see cref="GroupBy"/> over the UTC days <see cref="From"/> to <see cref="To"/> (both included; null: unbounded).</summary>
[GenerateSerializer]
[Alias("fm.work.CostQuery")]
public sealed record CostQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] CostGroupBy GroupBy,
    [property: Id(2)] DateOnly? From = null,
    [property: Id(3)] DateOnly? To = null);
