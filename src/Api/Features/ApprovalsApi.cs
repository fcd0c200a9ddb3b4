using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>The CEO's decision on an approval request; the comment reaches the agent (or the task's failure reason).</summary>
public sealed record DecideApprovalRequest(string? Comment);

/// <summary>The answer to an agent's question.</summary>
public sealed record AnswerClarificationRequest(string? Answer);

/// <summary>
/// The human in the loop: approval requests that park agents' tasks (publication, spending, external
/// actions, budget raises) and questions agents asked the people who gave them their tasks.
/// </summary>
public static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        var approvals = app.MapGroup("/api/approvals").WithTags("Approvals");

        approvals.MapGet("/", ListApprovalsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListApprovals")
            .WithSummary("The approvals inbox: requests by status (default pending; 'all' for every one), oldest first, optionally of one task.")
            .ProducesValidationProblem();

        approvals.MapGet("/{id:long}", GetApprovalAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetApproval")
            .WithSummary("One approval request.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        approvals.MapPost("/{id:long}/approve", ApproveAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ApproveApproval")
            .WithSummary("Approves: the task goes back to work and its agent reads the decision; a budget raise sets the new limit and unblocks the task. 409 once decided or expired.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        approvals.MapPost("/{id:long}/reject", RejectAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RejectApproval")
            .WithSummary("Rejects: an action's task fails with the comment as reason (it can be retried); a budget raise's task stays blocked. 409 once decided or expired.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var clarifications = app.MapGroup("/api/clarifications").WithTags("Approvals");

        clarifications.MapGet("/", ListClarificationsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListClarifications")
            .WithSummary("Questions agents asked, by status (default open; 'all' for every one), oldest first.")
            .ProducesValidationProblem();

        clarifications.MapPost("/{id:long}/answer", AnswerAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AnswerClarification")
            .WithSummary("Answers an agent's question: the task is unblocked and the agent reads the answer. 409 once answered.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ApprovalDto>>> ListApprovalsAsync(ICompanyContext caller, IGrainFactory grains, string? status = null, long? taskId = null, int limit = 200)
    {
        var errors = new FieldErrors();
        var wanted = string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : QueryValues.Enum<ApprovalStatus>(status, "status", errors) ?? (string.IsNullOrWhiteSpace(status) ? ApprovalStatus.Pending : null);
        if (limit is < 1 or > 1000)
        {
            errors.Add("limit", "Between 1 and 1000.");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).ListApprovalsAsync(new ListApprovalsQuery(caller.CompanyId, wanted, taskId, limit)));
    }

    private static async Task<Ok<ApprovalDto>> GetApprovalAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IApprovalGrain>(id).GetAsync(caller.CompanyId));

    private static async Task<Ok<ApprovalDto>> ApproveAsync(long id, DecideApprovalRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IApprovalGrain>(id).ApproveAsync(new DecideApprovalCommand(caller.CompanyId, request?.Comment)));

    private static async Task<Ok<ApprovalDto>> RejectAsync(long id, DecideApprovalRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IApprovalGrain>(id).RejectAsync(new DecideApprovalCommand(caller.CompanyId, request?.Comment)));

    private static async Task<Ok<IReadOnlyList<ClarificationDto>>> ListClarificationsAsync(ICompanyContext caller, IGrainFactory grains, string? status = null, long? taskId = null, int limit = 200)
    {
        var errors = new FieldErrors();
        var wanted = string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : QueryValues.Enum<ClarificationStatus>(status, "status", errors) ?? (string.IsNullOrWhiteSpace(status) ? ClarificationStatus.Open : null);
        if (limit is < 1 or > 1000)
        {
            errors.Add("limit", "Between 1 and 1000.");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).ListClarificationsAsync(new ListClarificationsQuery(caller.CompanyId, wanted, taskId, limit)));
    }

    private static async Task<Ok<ClarificationDto>> AnswerAsync(long id, AnswerClarificationRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IClarificationGrain>(id).AnswerAsync(new AnswerClarificationCommand(caller.CompanyId, request?.Answer ?? "")));
}
