using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Analytics;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>How the work went, from the database's analytics views: failure rate, time to done, retries, approval waits and model latency.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/analytics").WithTags("Analytics")
            .MapGet("/", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAnalytics")
            .WithSummary("Tasks finished, done and failed, failure rate, time to done (p50, p95), retries, approvals decided and their wait (average, p95), model calls and their latency (p50, p95), grouped by agent, department, project or day, over UTC days from..to (both included).")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Ok<AnalyticsReportDto>> GetAsync(ICompanyContext caller, IGrainFactory grains, string? groupBy = null, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new FieldErrors();
        var grouping = QueryValues.Enum<AnalyticsGroupBy>(groupBy, "groupBy", errors) ?? AnalyticsGroupBy.Agent;
        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<IAnalyticsGrain>(caller.CompanyId).GetAsync(new AnalyticsQuery(caller.CompanyId, grouping, from, to)));
    }
}
