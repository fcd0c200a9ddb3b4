using FluidManager.Grains.Agents;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Work;

/// <summary>The company's agent work as a whole (key = company id): what waits for a human, spend reports, the monthly budget.</summary>
[GrainType("company-work")]
public sealed class CompanyWorkGrain(ITurnContext context) : DurableGrain, ICompanyWorkGrain
{
    protected override ITurnContext Turn => context;

    public async Task<IReadOnlyList<ApprovalDto>> ListApprovalsAsync(ListApprovalsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        return await context.Sql(WorkSql.ListApprovals)
            .With("company_id", companyId)
            .With<ApprovalStatus>("status", query.Status)
            .With("task_id", query.TaskId)
            .With("limit", Math.Clamp(query.Limit, 1, 1000))
            .ListAsync(WorkRows.MapApproval);
    }

    public async Task<IReadOnlyList<ClarificationDto>> ListClarificationsAsync(ListClarificationsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        return await context.Sql(WorkSql.ListClarifications)
            .With("company_id", companyId)
            .With<ClarificationStatus>("status", query.Status)
            .With("task_id", query.TaskId)
            .With("limit", Math.Clamp(query.Limit, 1, 1000))
            .ListAsync(WorkRows.MapClarification);
    }

    public async Task<CostReportDto> GetCostsAsync(CostQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        new Fields()
            .Check(Enum.IsDefined(query.GroupBy), "groupBy", "is not a known grouping")
            .Check(query.From is null || query.To is null || query.From <= query.To, "to", "must not be before from")
            .ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        var sql = query.GroupBy switch
        {
            CostGroupBy.Agent => WorkSql.CostsByAgent,
            CostGroupBy.Department => WorkSql.CostsByDepartment,
            CostGroupBy.Project => WorkSql.CostsByProject,
            CostGroupBy.Task => WorkSql.CostsByTask,
            CostGroupBy.Model => WorkSql.CostsByModel,
            CostGroupBy.Meeting => WorkSql.CostsByMeeting,
            _ => WorkSql.CostsByDay,
        };
        var rows = await context.Sql(sql).With("company_id", companyId).WithDate("from", query.From).WithDate("to", query.To).ListAsync(WorkRows.MapCostRow);
        return new CostReportDto(query.GroupBy, query.From, query.To, rows, Sum("total", "Total", rows));
    }

    public async Task<AgentSpendDto> GetAgentSpendAsync(AgentSpendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        new Fields().Check(query.From is null || query.To is null || query.From <= query.To, "to", "must not be before from").ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        await AgentRows.LoadAsync(context, companyId, query.AgentId);
        var rows = await context.Sql(WorkSql.SpendOfSubtree)
            .With("company_id", companyId)
            .With("agent_id", query.AgentId)
            .With("subtree", query.Subtree)
            .WithDate("from", query.From)
            .WithDate("to", query.To)
            .ListAsync(WorkRows.MapCostRow);
        var own = rows.FirstOrDefault(r => r.Key == query.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? CostRowDto.Empty(query.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "");
        return new AgentSpendDto(query.AgentId, query.Subtree, query.From, query.To, own, Sum("subtree", "Subtree", rows), rows);
    }

    public async Task<CompanyBudgetDto> GetBudgetAsync(long companyId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        var now = context.Now.ToUniversalTime();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var limit = await context.Sql(WorkSql.CompanyLimit).With("company_id", companyId).ScalarAsync<decimal?>();
        var use = await context.Sql(WorkSql.CompanyUse).With("company_id", companyId).With("month_start", monthStart)
            .FirstOrDefaultAsync(r => new[] { r.Get<decimal>("spent"), r.Get<decimal>("reserved") });
        return new CompanyBudgetDto(companyId, limit, DateOnly.FromDateTime(monthStart.UtcDateTime), use![0], use[1]);
    }

    public async Task<CompanyBudgetDto> SetBudgetAsync(SetCompanyBudgetCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(command.MonthlyLimit is null or >= 0 and < 10_000_000_000m, "monthlyLimit", "must be between 0 and 10,000,000,000").ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        await context.Sql(WorkSql.SetCompanyLimit)
            .With("company_id", companyId)
            .With("limit", command.MonthlyLimit)
            .With("actor", context.Actor)
            .With("now", context.Now)
            .ExecuteAsync();
        var budget = await GetBudgetAsync(companyId);
        await context.PublishAsync(Streams.Company(companyId), WorkEventTypes.BudgetChanged, budget, companyId);
        return budget;
    }

    private static CostRowDto Sum(string key, string label, IReadOnlyList<CostRowDto> rows) => new(
        key, label, rows.Sum(r => r.Calls), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), rows.Sum(r => r.Cost), rows.Sum(r => r.DurationMs));
}
