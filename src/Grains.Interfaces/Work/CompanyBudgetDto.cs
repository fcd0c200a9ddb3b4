namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The company's monthly budget (null: none) and this UTC month's settled and reserved spend.</summary>
[GenerateSerializer]
[Alias("fm.work.CompanyBudgetDto")]
public sealed record CompanyBudgetDto(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] decimal? MonthlyLimit,
    [property: Id(2)] DateOnly Month,
    [property: Id(3)] decimal Spent,
    [property: Id(4)] decimal Reserved);
