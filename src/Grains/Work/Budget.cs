using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Work;

/// <summary>
/// Budgets are checked before a call, against a reservation of the call's largest possible size: the
/// agent's row (and the company's budget row, when it has a budget) is locked for the rest of the turn,
/// so two runners reserving for the same agent or company take turns, and the settled spend plus what
/// calls in flight hold never passes a limit. The reservation is settled (or released) when the call ends.
/// </summary>
internal static class Budget
{
    /// <summary>The answer of a check: allowed (and reserved), or the limit it would break with the figures.</summary>
    public sealed record Verdict(bool Allowed, BudgetLimit? Limit = null, decimal LimitValue = 0, decimal Used = 0, decimal Reserved = 0, decimal Needed = 0, string? Reason = null)
    {
        public static Verdict Ok { get; } = new(true);

        /// <summary>What approving a raise sets the limit to: twice the limit, or enough for this call if that is more.</summary>
        public decimal ProposedLimit
        {
            get
            {
                var enough = Used + Reserved + Needed;
                var raised = Math.Max(LimitValue * 2, enough);
                return Limit is BudgetLimit.AgentMaxCost or BudgetLimit.CompanyMonthlyBudget
                    ? Math.Ceiling(raised * 100m) / 100m
                    : Math.Ceiling(raised / 1000m) * 1000m;
            }
        }
    }

    public static Task<Verdict> ReserveAsync(ITurnContext context, long companyId, long agentId, long taskId, string agentName, Guid activityId, long tokens, decimal cost) =>
        ReserveAsync(context, companyId, agentId, agentName, new ReservationOwner(taskId, null), activityId, tokens, cost);

    /// <summary>
    /// Reserves for a call of an agent (its limits apply) or of no agent (<paramref name="agentId"/> null: the
    /// company's budget only), made for a task or a meeting (<paramref name="owner"/>).
    /// </summary>
    public static async Task<Verdict> ReserveAsync(ITurnContext context, long companyId, long? agentId, string agentName, ReservationOwner owner, Guid activityId, long tokens, decimal cost)
    {
        var now = context.Now.ToUniversalTime();
        var dayStart = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);

        // Only an agent with limits is locked: the others' calls need not take turns.
        var limits = agentId is { } id ? await ReadLimitsAsync(context, WorkSql.AgentLimits, companyId, id) : new AgentLimitsRow(null, null, null);
        if (limits.Any)
        {
            limits = await ReadLimitsAsync(context, WorkSql.LockAgentLimits, companyId, agentId!.Value);
        }

        if (limits.Any)
        {
            var use = await context.Sql(WorkSql.AgentUse).With("agent_id", agentId).With("day_start", dayStart).With("month_start", monthStart)
                .FirstOrDefaultAsync(r => new AgentUseRow(r.Get<long>("day_tokens"), r.Get<long>("month_tokens"), r.Get<decimal>("total_cost"), r.Get<long>("reserved_tokens"), r.Get<decimal>("reserved_cost")));
            if (limits.TokensPerDay is { } perDay && use!.DayTokens + use.ReservedTokens + tokens > perDay)
            {
                return Over(BudgetLimit.AgentTokensPerDay, perDay, use.DayTokens, use.ReservedTokens, tokens, $"{agentName} is over its daily token limit");
            }

            if (limits.TokensPerMonth is { } perMonth && use!.MonthTokens + use.ReservedTokens + tokens > perMonth)
            {
                return Over(BudgetLimit.AgentTokensPerMonth, perMonth, use.MonthTokens, use.ReservedTokens, tokens, $"{agentName} is over its monthly token limit");
            }

            if (limits.MaxCost is { } maxCost && use!.TotalCost + use.ReservedCost + cost > maxCost)
            {
                return Over(BudgetLimit.AgentMaxCost, maxCost, use.TotalCost, use.ReservedCost, cost, $"{agentName} is over its cost limit (USD)");
            }
        }

        // Each limit that is set is read again under its row's lock, so that concurrent calls reserve one after another.
        var limitsSet = await context.Sql(WorkSql.CompanyLimits).With("company_id", companyId)
            .FirstOrDefaultAsync(r => new CompanyLimitsSet(r.GetOrNull<decimal>("monthly_limit") is not null, r.GetOrNull<long>("monthly_token_limit") is not null));
        if (limitsSet!.Usd)
        {
            var monthly = await context.Sql(WorkSql.LockCompanyLimit).With("company_id", companyId).ScalarAsync<decimal?>();
            if (monthly is { } limit)
            {
                var spend = await context.Sql(WorkSql.CompanyUse).With("company_id", companyId).With("month_start", monthStart)
                    .FirstOrDefaultAsync(r => new CompanyUseRow(r.Get<decimal>("spent"), r.Get<decimal>("reserved")));
                if (spend!.Spent + spend.Reserved + cost > limit)
                {
                    return Over(BudgetLimit.CompanyMonthlyBudget, limit, spend.Spent, spend.Reserved, cost, "The company is over its monthly budget (USD)");
                }
            }
        }

        if (limitsSet.Tokens
            && await context.Sql(WorkSql.LockCompanyTokenLimit).With("company_id", companyId).ScalarAsync<long?>() is { } tokenLimit)
        {
            var use = await context.Sql(WorkSql.CompanyTokenUse).With("company_id", companyId).With("month_start", monthStart)
                .FirstOrDefaultAsync(r => new TokenUseRow(r.Get<long>("used"), r.Get<long>("reserved")));
            if (use!.Used + use.Reserved + tokens > tokenLimit)
            {
                return Over(BudgetLimit.CompanyMonthlyTokens, tokenLimit, use.Used, use.Reserved, tokens, "The company is over its monthly token limit");
            }
        }

        await context.Sql(WorkSql.InsertReservation)
            .With("company_id", companyId)
            .With("agent_id", agentId)
            .With("task_id", owner.TaskId)
            .With("meeting_id", owner.MeetingId)
            .WithGuid("activity_id", activityId)
            .With("tokens", tokens)
            .With("cost", cost)
            .With("now", context.Now)
            .ExecuteAsync();
        return Verdict.Ok;
    }

    /// <summary>Removes a call's reservation (settled or released); null when it had none.</summary>
    public static Task<ReservationRow?> ReleaseAsync(ITurnContext context, Guid activityId) =>
        context.Sql(WorkSql.DeleteReservation).WithGuid("activity_id", activityId)
            .FirstOrDefaultAsync(r => new ReservationRow(r.Get<long>("tokens"), r.Get<decimal>("cost")));

    private static Verdict Over(BudgetLimit limit, decimal value, decimal used, decimal reserved, decimal needed, string what)
    {
        var money = limit is BudgetLimit.AgentMaxCost or BudgetLimit.CompanyMonthlyBudget;
        string F(decimal d) => money ? d.ToString("0.######", CultureInfo.InvariantCulture) : d.ToString("#,0", CultureInfo.InvariantCulture);
        var unit = money ? " USD" : " tokens";
        var reason = $"{what}: {F(used)} used + {F(reserved)} held by calls in flight + {F(needed)} for the next call > {F(value)}{unit}.";
        return new Verdict(false, limit, value, used, reserved, needed, reason);
    }

    private static async Task<AgentLimitsRow> ReadLimitsAsync(ITurnContext context, string sql, long companyId, long agentId) =>
        await context.Sql(sql).With("agent_id", agentId).With("company_id", companyId)
            .FirstOrDefaultAsync(r => new AgentLimitsRow(r.GetOrNull<long>("tokens_per_day"), r.GetOrNull<long>("tokens_per_month"), r.GetOrNull<decimal>("max_cost")))
        ?? throw new InvalidOperationException($"Agent {agentId} is gone.");

    private sealed record AgentLimitsRow(long? TokensPerDay, long? TokensPerMonth, decimal? MaxCost)
    {
        public bool Any => TokensPerDay is not null || TokensPerMonth is not null || MaxCost is not null;
    }

    private sealed record AgentUseRow(long DayTokens, long MonthTokens, decimal TotalCost, long ReservedTokens, decimal ReservedCost);

    private sealed record CompanyUseRow(decimal Spent, decimal Reserved);

    private sealed record TokenUseRow(long Used, long Reserved);

    private sealed record CompanyLimitsSet(bool Usd, bool Tokens);

    public sealed record ReservationRow(long Tokens, decimal Cost);

    /// <summary>What a reservation is held for: a task or a meeting.</summary>
    public sealed record ReservationOwner(long? TaskId, long? MeetingId);
}
