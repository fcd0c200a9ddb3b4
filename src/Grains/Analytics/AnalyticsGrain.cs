using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Analytics;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Analytics;

/// <summary>How the company's work went (key = company id), read from the analytics views.</summary>
[GrainType("analytics")]
public sealed class AnalyticsGrain(ITurnContext context) : DurableGrain, IAnalyticsGrain
{
    protected override ITurnContext Turn => context;

    public async Task<AnalyticsReportDto> GetAsync(AnalyticsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        new Fields()
            .Check(Enum.IsDefined(query.GroupBy), "groupBy", "is not a known grouping")
            .Check(query.From is null || query.To is null || query.From <= query.To, "to", "must not be before from")
            .ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        var rows = await context.Sql(AnalyticsSql.Report)
            .With("company_id", companyId)
            .With<AnalyticsGroupBy>("group", query.GroupBy)
            .WithDate("from", query.From)
            .WithDate("to", query.To)
            .ListAsync(Map);
        return new AnalyticsReportDto(query.GroupBy, query.From, query.To, rows);
    }

    private static AnalyticsRowDto Map(NpgsqlDataReader r) => new()
    {
        Key = r.Get<string>("key"),
        Label = r.Get<string>("label"),
        TasksFinished = r.Get<long>("finished"),
        TasksDone = r.Get<long>("done"),
        TasksFailed = r.Get<long>("failed"),
        FailureRate = r.GetOrNull<double>("failure_rate"),
        TimeToDoneP50Ms = r.GetOrNull<double>("done_p50"),
        TimeToDoneP95Ms = r.GetOrNull<double>("done_p95"),
        Retries = r.Get<long>("retries"),
        ApprovalsDecided = r.Get<long>("decided"),
        ApprovalWaitAvgMs = r.GetOrNull<double>("wait_avg"),
        ApprovalWaitP95Ms = r.GetOrNull<double>("wait_p95"),
        ModelCalls = r.Get<long>("calls"),
        ModelLatencyP50Ms = r.GetOrNull<double>("latency_p50"),
        ModelLatencyP95Ms = r.GetOrNull<double>("latency_p95"),
    };
}
