namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Sets the company's monthly budget for model calls (USD); null removes it.</summary>
[GenerateSerializer]
[Alias("fm.work.SetCompanyBudgetCommand")]
public sealed record SetCompanyBudgetCommand([property: Id(0)] long CompanyId, [property: Id(1)] decimal? MonthlyLimit);
