using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Alerts;

/// <summary>
/// The company's alert rules and alerts (key = company id). Each sweep compares the conditions that hold with
/// the open alerts: a new condition fires one alert (an event), a condition seen again changes nothing, and an
/// open alert whose condition cleared is resolved (an event). Reading is the notification centre's business.
/// </summary>
[GrainType("alerts")]
public sealed class AlertsGrain(ITurnContext context, IOptions<AlertOptions> options, FluidClusterOptions cluster) : DurableGrain, IAlertsGrain, IActivityOwner
{
    protected override ITurnContext Turn => context;

    public async Task<IReadOnlyList<AlertRuleDto>> ListRulesAsync(long companyId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        return await RulesAsync(companyId);
    }

    public async Task<AlertRuleDto> SetRuleAsync(SetAlertRuleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields()
            .Check(Enum.IsDefined(command.Kind), "kind", "is not a known alert kind")
            .Check(command.ThresholdMinutes is >= 0 and <= 525_600, "thresholdMinutes", "must be between 0 and 525600 (a year)")
            .ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        await context.Sql(AlertsSql.UpsertRule)
            .With("company_id", companyId)
            .With<AlertKind>("kind", command.Kind)
            .With("enabled", command.Enabled)
            .With("threshold_minutes", command.ThresholdMinutes)
            .With("now", context.Now)
            .With("actor", context.Actor)
            .ExecuteAsync();
        return (await RulesAsync(companyId)).Single(r => r.Kind == command.Kind);
    }

    public async Task EvaluateAsync(long companyId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        var rules = (await RulesAsync(companyId)).Where(r => r.Enabled).ToDictionary(r => r.Kind);
        var now = context.Now;
        var conditions = new List<AlertConditions.Condition>();
        var holding = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (kind, sql, stillOpen) in new (AlertKind, string, string?)[]
        {
            (AlertKind.TaskFailed, AlertsSql.FailedTasks, AlertsSql.FailedTasksStillOpen),
            (AlertKind.TaskBlocked, AlertsSql.BlockedTasks, AlertsSql.BlockedTasksStillOpen),
            (AlertKind.ApprovalWaiting, AlertsSql.WaitingApprovals, AlertsSql.WaitingApprovalsStillOpen),
            (AlertKind.ScheduleFailing, AlertsSql.FailingSchedules, null),
            (AlertKind.DeadLetter, AlertsSql.DeadLetters, null),
            (AlertKind.SiloLost, AlertsSql.LostSilos, null),
            (AlertKind.TriggerFailing, AlertsSql.FailingTriggers, null),
        })
        {
            if (!rules.TryGetValue(kind, out var rule))
            {
                continue;
            }

            conditions.AddRange(await context.Sql(sql)
                .With("company_id", companyId)
                .With("cluster", cluster.ClusterId)
                .With("since", now - TimeSpan.FromMinutes(rule.ThresholdMinutes))
                .ListAsync(r => new AlertConditions.Condition(kind, r.Get<string>("key"), r.GetOrNull<long>("task_id"), r.Get<string>("subject"), r.Get<string>("detail"))));
            if (stillOpen is not null)
            {
                holding.UnionWith(await context.Sql(stillOpen).With("company_id", companyId).ListAsync(r => r.GetString(0)));
            }
        }

        if (rules.ContainsKey(AlertKind.BudgetWarning) || rules.ContainsKey(AlertKind.BudgetReached))
        {
            var limit = await context.Sql(WorkSql.CompanyLimit).With("company_id", companyId).ScalarAsync<decimal?>();
            var monthStart = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
            var spent = await context.Sql(WorkSql.CompanyUse).With("company_id", companyId).With("month_start", monthStart)
                .FirstOrDefaultAsync(r => new[] { r.Get<decimal>("spent") });
            conditions.AddRange(AlertConditions.Budget(limit, spent![0], now, rules.ContainsKey(AlertKind.BudgetWarning), rules.ContainsKey(AlertKind.BudgetReached)));
            var tokenLimit = await context.Sql(WorkSql.CompanyTokenLimit).With("company_id", companyId).ScalarAsync<long?>();
            if (tokenLimit is > 0)
            {
                var used = await context.Sql(WorkSql.CompanyTokenUse).With("company_id", companyId).With("month_start", monthStart).ScalarAsync<long>();
                conditions.AddRange(AlertConditions.Tokens(tokenLimit, used, now, rules.ContainsKey(AlertKind.BudgetWarning), rules.ContainsKey(AlertKind.BudgetReached)));
            }
        }

        holding.UnionWith(conditions.Select(c => c.Key));
        foreach (var resolved in await context.Sql(AlertsSql.Resolve).With("company_id", companyId).With("holding", holding.ToArray()).With("now", now).ListAsync(Map))
        {
            await context.PublishAsync(Streams.Company(companyId), AlertEventTypes.Resolved, resolved, companyId);
        }

        var open = (await context.Sql(AlertsSql.OpenKeys).With("company_id", companyId).ListAsync(r => r.GetString(0))).ToHashSet(StringComparer.Ordinal);
        foreach (var condition in conditions.Where(c => !open.Contains(c.Key)))
        {
            var fired = await context.Sql(AlertsSql.Fire)
                .With("company_id", companyId)
                .With<AlertKind>("kind", condition.Kind)
                .With("key", condition.Key)
                .With("subject", AgentBriefing.Clip(condition.Subject, 500))
                .With("detail", AgentBriefing.Clip(condition.Detail, 2000))
                .With("task_id", condition.TaskId)
                .With("now", now)
                .FirstOrDefaultAsync(Map);
            if (fired is not null)
            {
                await context.PublishAsync(Streams.Company(companyId), AlertEventTypes.Fired, fired, companyId);
                await AlertDeliveries.FanOutAsync(context, options.Value, fired);
            }
        }
    }

    /// <summary>A webhook delivery ended: delivered, or failed after its last attempt.</summary>
    public Task OnActivityCompletedAsync(ActivityOutcome outcome) => AlertDeliveries.FinishAsync(context, outcome);

    public async Task<IReadOnlyList<AlertDto>> ListAsync(ListAlertsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        return await context.Sql(AlertsSql.List)
            .With("company_id", companyId)
            .With("unread", query.Unread)
            .With("task_id", query.TaskId)
            .With("limit", Math.Clamp(query.Limit, 1, 500))
            .ListAsync(Map);
    }

    public async Task<NotificationCountDto> CountAsync(long companyId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        return (await context.Sql(AlertsSql.Count).With("company_id", companyId)
            .FirstOrDefaultAsync(r => new NotificationCountDto(r.Get<long>("unread"), r.Get<long>("unread_open"))))!;
    }

    public async Task<NotificationCountDto> MarkReadAsync(long companyId, long? alertId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        if (alertId is { } id && !await context.Sql(AlertsSql.Exists).With("company_id", companyId).With("id", id).ScalarAsync<bool>())
        {
            throw new Interfaces.Errors.NotFoundException("Alert", id);
        }

        var changed = await context.Sql(AlertsSql.MarkRead).With("company_id", companyId).With("id", alertId).With("now", context.Now).With("actor", context.Actor).ExecuteAsync();
        var count = await CountAsync(companyId);
        if (changed > 0)
        {
            await context.PublishAsync(Streams.Company(companyId), AlertEventTypes.Read, count, companyId);
        }

        return count;
    }

    private async Task<IReadOnlyList<AlertRuleDto>> RulesAsync(long companyId)
    {
        var stored = await context.Sql(AlertsSql.Rules).With("company_id", companyId)
            .ListAsync(r => new AlertRuleDto(r.GetEnum<AlertKind>("kind"), r.Get<bool>("enabled"), r.Get<int>("threshold_minutes"), IsDefault: false));
        return Enum.GetValues<AlertKind>().Select(k => stored.FirstOrDefault(s => s.Kind == k) ?? AlertConditions.Default(k)).ToList();
    }

    private static AlertDto Map(NpgsqlDataReader r) => new()
    {
        Id = r.Get<long>("id"),
        CompanyId = r.Get<long>("company_id"),
        Kind = r.GetEnum<AlertKind>("kind"),
        Cause = Cause(r.Get<string>("condition_key")),
        Subject = r.Get<string>("subject"),
        Detail = r.Get<string>("detail"),
        TaskId = r.GetOrNull<long>("task_id"),
        FiredAt = r.Get<DateTimeOffset>("fired_at"),
        ResolvedAt = r.GetOrNull<DateTimeOffset>("resolved_at"),
        ReadAt = r.GetOrNull<DateTimeOffset>("read_at"),
    };

    /// <summary>"task_failed:task:12" → "task:12".</summary>
    private static string Cause(string key) => key.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? key[(colon + 1)..] : key;
}
