using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>
/// The company's governance settings. Every field is replaced: one left out takes its default (no list, no
/// budget, no quota, <c>follow_hierarchy</c>).
/// </summary>
public sealed record CompanyPolicyRequest(
    IReadOnlyList<string>? AllowedModels,
    decimal? MonthlyBudgetUsd,
    long? MonthlyTokenLimit,
    DefaultAgentLimits? DefaultAgentLimits,
    int? WebDailyQuota,
    CeoAssignment? CeoAssignment,
    long? ExpectedVersion);

/// <summary>
/// The company's governance: the models its agents may use (the server's list is the outer bound), its
/// monthly budget in USD and tokens, new agents' default limits, the web tool's daily quota per agent and
/// whether the CEO's own assignments follow the hierarchy.
/// </summary>
public static class CompanyPolicyApi
{
    public static IEndpointRouteBuilder MapCompanyPolicyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/company-policy").WithTags("Company policy");

        group.MapGet("/", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetCompanyPolicy")
            .WithSummary("The company's governance settings, the server's allowed models (their outer bound) and the agents whose model the lists no longer allow; the ETag header is its version.");

        group.MapPut("/", SetAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetCompanyPolicy")
            .WithSummary("Replaces the company's governance settings. A model outside the server's list is refused; agents on a model the new list drops keep it and are flagged. If-Match or expectedVersion: 412 when stale.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static async Task<Results<Ok<CompanyPolicyDto>, StatusCodeHttpResult>> GetAsync(ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var policy = await grains.GetGrain<ICompanyPolicyGrain>(caller.CompanyId).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(policy, policy.Version);
    }

    private static async Task<Ok<CompanyPolicyDto>> SetAsync(CompanyPolicyRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var policy = await grains.GetGrain<ICompanyPolicyGrain>(caller.CompanyId).SetAsync(new SetCompanyPolicyCommand
        {
            CompanyId = caller.CompanyId,
            AllowedModels = request.AllowedModels ?? [],
            MonthlyBudgetUsd = request.MonthlyBudgetUsd,
            MonthlyTokenLimit = request.MonthlyTokenLimit,
            DefaultAgentLimits = request.DefaultAgentLimits ?? new DefaultAgentLimits(),
            WebDailyQuota = request.WebDailyQuota,
            CeoAssignment = request.CeoAssignment ?? CeoAssignment.FollowHierarchy,
            ExpectedVersion = Versions.Expected(http, request.ExpectedVersion),
        });
        return TypedResults.Ok(http.WithETag(policy, policy.Version));
    }
}
