namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Sets the company's monthly budget for model calls (USD); null removes it.</summary>
public sealed record SetCompanyBudgetCommand(long CompanyId, decimal? MonthlyLimit);
