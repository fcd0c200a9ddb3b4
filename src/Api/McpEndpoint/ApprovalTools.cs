using System.ComponentModel;
using FluidManager.Api.Access;
using FluidManager.Api.Features;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using ModelContextProtocol.Server;

namespace FluidManager.Api.McpEndpoint;

/// <summary>The approvals inbox: read it (any member), approve or reject (the ceo). The same grains as /api/approvals.</summary>
[McpServerToolType]
public sealed class ApprovalTools(ICompanyContext caller, IGrainFactory grains, McpToolCalls calls)
{
    private const int MaxLimit = 1000;

    [McpServerTool(Name = "list_approvals", Title = "List approval requests", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The approvals inbox: requests that park agents' tasks (publication, spending, external actions, budget raises), oldest first. By default only pending ones.")]
    public Task<string> ListApprovalsAsync(
        [Description("pending (default), approved, rejected, expired, or all.")] string? status = null,
        [Description("Only the requests of this task.")] long? taskId = null,
        [Description("At most this many (1 to 1000, default 200).")] int limit = 200) =>
        calls.RunAsync(() =>
        {
            var errors = new FieldErrors();
            var wanted = string.Equals(status, "all", StringComparison.OrdinalIgnoreCase)
                ? null
                : QueryValues.Enum<ApprovalStatus>(status, "status", errors) ?? (string.IsNullOrWhiteSpace(status) ? ApprovalStatus.Pending : null);
            if (limit is < 1 or > MaxLimit)
            {
                errors.Add("limit", $"Between 1 and {MaxLimit}.");
            }

            errors.ThrowIfAny();
            return grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).ListApprovalsAsync(new ListApprovalsQuery(caller.CompanyId, wanted, taskId, limit));
        });

    [McpServerTool(Name = "get_approval", Title = "Get an approval request", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One approval request by id: what the agent asks, for which task, its status and decision.")]
    public Task<string> GetApprovalAsync([Description("The approval request's id (from list_approvals).")] long approvalId) =>
        calls.RunAsync(() => grains.GetGrain<IApprovalGrain>(approvalId).GetAsync(caller.CompanyId));

    [McpServerTool(Name = "approve_request", Title = "Approve a request", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Approves a pending request: the task goes back to work and its agent reads the decision; a budget raise sets the new limit. Refused once decided or expired.")]
    public Task<string> ApproveAsync(
        [Description("The approval request's id.")] long approvalId,
        [Description("A note the agent reads with the decision.")] string? comment = null) =>
        calls.RunAsync(() => grains.GetGrain<IApprovalGrain>(approvalId).ApproveAsync(new DecideApprovalCommand(caller.CompanyId, comment)));

    [McpServerTool(Name = "reject_request", Title = "Reject a request", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Rejects a pending request: an action's task fails with the comment as its reason (it can be retried); a budget raise's task stays blocked. Refused once decided or expired.")]
    public Task<string> RejectAsync(
        [Description("The approval request's id.")] long approvalId,
        [Description("Why: the agent reads it (or it becomes the task's failure reason).")] string? comment = null) =>
        calls.RunAsync(() => grains.GetGrain<IApprovalGrain>(approvalId).RejectAsync(new DecideApprovalCommand(caller.CompanyId, comment)));
}
