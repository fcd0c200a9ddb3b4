namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The limits a call is checked against before it is made.</summary>
[GenerateSerializer]
[Alias("fm.work.BudgetLimit")]
public enum BudgetLimit
{
    /// <summary>The agent's tokens (in + out) per UTC day.</summary>
    AgentTokensPerDay,

    /// <summary>The agent's tokens (in + out) per UTC calendar month.</summary>
    AgentTokensPerMonth,

    /// <summary>The agent's total cost.</summary>
    AgentMaxCost,

    /// <summary>The company's cost per UTC calendar month.</summary>
    CompanyMonthlyBudget,

    /// <summary>The company's tokens (in + out, every agent and meeting) per UTC calendar month.</summary>
    CompanyMonthlyTokens,
}
