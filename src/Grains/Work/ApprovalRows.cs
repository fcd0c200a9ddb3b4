using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Work;

/// <summary>What the loop asks approval for.</summary>
internal sealed record ApprovalDraft(
    long CompanyId,
    long TaskId,
    long AgentId,
    ApprovalKind Kind,
    string Action,
    string Reason,
    string StepKey,
    decimal? Amount = null,
    BudgetLimit? Limit = null,
    decimal? CurrentLimit = null,
    decimal? ProposedLimit = null,
    ApprovalToolCall? Tool = null);

/// <summary>Approval rows: recorded by the loop (idempotent by step), read by everyone.</summary>
internal static class ApprovalRows
{
    /// <summary>Records the request, or returns the one the same step recorded; then the approval's grain arms its expiry.</summary>
    public static async Task<ApprovalDto> OpenAsync(ITurnContext context, ApprovalDraft draft, TimeSpan timeToLive)
    {
        var existing = await context.Sql(WorkSql.ApprovalByStep).With("task_id", draft.TaskId).With("step_key", draft.StepKey).FirstOrDefaultAsync(WorkRows.MapApproval);
        if (existing is not null)
        {
            return existing;
        }

        var approval = (await context.Sql(WorkSql.InsertApproval)
            .With("company_id", draft.CompanyId)
            .With("task_id", draft.TaskId)
            .With("agent_id", draft.AgentId)
            .With<ApprovalKind>("kind", draft.Kind)
            .With("action", AgentBriefing.Clip(draft.Action, 300))
            .With("reason", draft.Reason)
            .With("amount", draft.Amount)
            .With<BudgetLimit>("budget_limit", draft.Limit)
            .With("current_limit", draft.CurrentLimit)
            .With("proposed_limit", draft.ProposedLimit)
            .With("step_key", draft.StepKey)
            .WithJsonText("tool", draft.Tool is null ? null : JsonSerializer.Serialize(draft.Tool, RuntimeJson.Options))
            .With("expires_at", context.Now + timeToLive)
            .With("now", context.Now)
            .FirstOrDefaultAsync(WorkRows.MapApproval))!;
        await context.Join<IApprovalGrain>(approval.Id).CallAsync(g => g.OpenAsync(draft.CompanyId));
        return approval;
    }

    public static async Task<ApprovalDto> LoadAsync(ITurnContext context, long companyId, long approvalId) =>
        await context.Sql(WorkSql.ApprovalById).With("id", approvalId).With("company_id", companyId).FirstOrDefaultAsync(WorkRows.MapApproval)
        ?? throw new NotFoundException("Approval", approvalId);

    /// <summary>Publishes an approval event on the task's stream and the company's (the CEO's inbox).</summary>
    public static async Task PublishAsync(ITurnContext context, string type, ApprovalDto approval)
    {
        var payload = new ApprovalEvent(approval);
        await context.PublishAsync(Streams.Task(approval.TaskId), type, payload, approval.CompanyId);
        await context.PublishAsync(Streams.Company(approval.CompanyId), type, payload, approval.CompanyId);
    }

    public static string Describe(ApprovalKind kind) => kind switch
    {
        ApprovalKind.Publication => "publication",
        ApprovalKind.Spending => "spending",
        ApprovalKind.External => "external action",
        ApprovalKind.BudgetRaise => "budget raise",
        _ => "action",
    };
}
