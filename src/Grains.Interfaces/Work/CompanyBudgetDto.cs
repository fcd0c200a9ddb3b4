namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The company's monthly budget (null: none) and this UTC month's settled and reserved spend.</summary>
public sealed record CompanyBudgetDto(long CompanyId, decimal? MonthlyLimit, DateOnly Month, decimal Spent, decimal Reserved);
