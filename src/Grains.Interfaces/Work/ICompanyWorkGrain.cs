using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// The company's agent work as a whole (key = company id): the approvals and clarifications waiting
/// for a human, the spend roll-ups (from the database's views over the model calls) and the monthly budget.
/// </summary>
[Alias("fm.ICompanyWorkGrain")]
public interface ICompanyWorkGrain : IGrainWithStringKey
{
    /// <summary>Approval requests, oldest first.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ApprovalDto>> ListApprovalsAsync(ListApprovalsQuery query);

    /// <summary>Questions agents asked, oldest first.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ClarificationDto>> ListClarificationsAsync(ListClarificationsQuery query);

    /// <summary>Model spend grouped by agent, department, project, task, model or day, over whole UTC days.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<CostReportDto> GetCostsAsync(CostQuery query);

    /// <summary>An agent's spend, and with <see cref="AgentSpendQuery.Subtree"/> that of everyone under it.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<AgentSpendDto> GetAgentSpendAsync(AgentSpendQuery query);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<CompanyBudgetDto> GetBudgetAsync(long companyId);

    /// <summary>Sets (or, with null, removes) the company's monthly budget.</summary>
    Task<CompanyBudgetDto> SetBudgetAsync(SetCompanyBudgetCommand command);
}
