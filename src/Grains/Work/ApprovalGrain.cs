using System.Globalization;
using FluidManager.Grains.Agents;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Tasks;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Work;

/// <summary>
/// One approval request (key = approval id). Approving an action sends its task back to work (the
/// agent reads the decision); rejecting it fails the task with the comment as reason. Approving a
/// budget raise sets the new limit and unblocks the task; rejecting it leaves the task blocked. A
/// rejection with a reason leaves a lesson in the agent's memory, with the task as its source. A
/// request nobody decides expires after <see cref="WorkOptions.ApprovalTimeToLive"/> (a reminder).
/// </summary>
[GrainType("approval")]
public sealed class ApprovalGrain(ITurnContext context, ILogger<ApprovalGrain> logger) : DurableGrain, IApprovalGrain, IReminderTarget
{
    protected override ITurnContext Turn => context;

    private const string ExpiryReminder = "expire";

    private long Id => context.KeyAsId("Approval");

    public Task<ApprovalDto> GetAsync(long companyId) => ApprovalRows.LoadAsync(context, companyId, Id);

    public async Task OpenAsync(long companyId)
    {
        var approval = await ApprovalRows.LoadAsync(context, companyId, Id);
        if (approval.Status != ApprovalStatus.Pending)
        {
            return;
        }

        if (approval.ExpiresAt is { } expires)
        {
            var dueIn = expires - context.Now;
            await context.RegisterReminderAsync(ExpiryReminder, ReminderSchedule.Every(TimeSpan.FromHours(1), dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn));
        }

        await ApprovalRows.PublishAsync(context, WorkEventTypes.ApprovalRequested, approval);
    }

    public async Task<ApprovalDto> ApproveAsync(DecideApprovalCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var approval = await DecideAsync(command.CompanyId, ApprovalStatus.Approved, command.Comment);
        var task = await TaskRows.LoadAsync(context, approval.CompanyId, approval.TaskId);
        var comment = string.IsNullOrWhiteSpace(command.Comment) ? "" : $" {command.Comment.Trim()}";
        if (approval.Kind == ApprovalKind.BudgetRaise)
        {
            await RaiseAsync(approval);
            if (task.Status == TaskState.Blocked)
            {
                var reason = $"Budget raise approved (approval #{approval.Id}): {approval.Action}.{comment}";
                await TaskOf(approval).CallAsync(g => g.UnblockAsync(new TaskTransitionCommand(approval.CompanyId, Reason: AgentBriefing.Clip(reason, 2000))));
            }
        }
        else if (approval.Tool is not null)
        {
            await ResumeToolCallAsync(approval, task, $"Approved (approval #{approval.Id}): {approval.Action}.{comment}");
        }
        else if (task.Status == TaskState.AwaitingApproval)
        {
            await TaskOf(approval).CallAsync(g => g.ApproveAsync(new TaskTransitionCommand(approval.CompanyId, Reason: AgentBriefing.Clip($"Approved (approval #{approval.Id}).{comment}", 2000))));
        }

        return approval;
    }

    public async Task<ApprovalDto> RejectAsync(DecideApprovalCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var approval = await DecideAsync(command.CompanyId, ApprovalStatus.Rejected, command.Comment);
        var task = await TaskRows.LoadAsync(context, approval.CompanyId, approval.TaskId);
        if (approval.Tool is not null)
        {
            var reason = string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment.Trim()}";
            await ResumeToolCallAsync(approval, task, $"The CEO rejected {approval.Action} (approval #{approval.Id}){reason}");
        }
        else if (approval.Kind != ApprovalKind.BudgetRaise && task.Status == TaskState.AwaitingApproval)
        {
            var comment = string.IsNullOrWhiteSpace(command.Comment) ? "" : $": {command.Comment.Trim()}";
            await TaskOf(approval).CallAsync(g => g.RejectAsync(new TaskTransitionCommand(approval.CompanyId, Reason: AgentBriefing.Clip($"The CEO rejected {approval.Action} (approval #{approval.Id}){comment}", 2000))));
        }

        if (approval.Kind != ApprovalKind.BudgetRaise)
        {
            await FeedbackLessons.LearnFromRejectionAsync(context, approval, task.Title);
        }

        return approval;
    }

    public async Task SettleAsync(SettleApprovalCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var approval = await ApprovalRows.LoadAsync(context, command.CompanyId, Id);
        if (approval.Status == ApprovalStatus.Pending)
        {
            await DecideAsync(command.CompanyId, command.Approved ? ApprovalStatus.Approved : ApprovalStatus.Rejected, command.Comment);
        }
    }

    public async Task ReceiveReminderAsync(ReminderTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        await context.UnregisterReminderAsync(ExpiryReminder);
        var companyId = await context.Sql(WorkSql.CompanyOfApproval).With("id", Id).ScalarAsync<long>();
        var approval = companyId == 0 ? null : await ApprovalRows.LoadAsync(context, companyId, Id);
        if (approval is not { Status: ApprovalStatus.Pending })
        {
            return;
        }

        if (approval.ExpiresAt is { } expires && expires > context.Now)
        {
            await context.RegisterReminderAsync(ExpiryReminder, ReminderSchedule.Every(TimeSpan.FromHours(1), expires - context.Now));
            return;
        }

        await context.Sql(WorkSql.DecideApproval).With("id", Id).With<ApprovalStatus>("status", ApprovalStatus.Expired)
            .With("actor", "system").With("comment", "Expired unanswered.").With("now", context.Now).ExecuteAsync();
        approval = await ApprovalRows.LoadAsync(context, companyId, Id);
        await ApprovalRows.PublishAsync(context, WorkEventTypes.ApprovalExpired, approval);
        Log.ApprovalExpired(logger, Id);
        var task = await TaskRows.LoadAsync(context, companyId, approval.TaskId);
        if (approval.Tool is not null)
        {
            await ResumeToolCallAsync(approval, task, $"Approval #{Id} ({approval.Action}) expired unanswered.");
        }
        else if (approval.Kind != ApprovalKind.BudgetRaise && task.Status == TaskState.AwaitingApproval)
        {
            await TaskOf(approval).CallAsync(g => g.RejectAsync(new TaskTransitionCommand(companyId, Reason: $"Approval #{Id} ({approval.Action}) expired unanswered.")));
        }
    }

    private async Task<ApprovalDto> DecideAsync(long companyId, ApprovalStatus status, string? comment)
    {
        new Fields().Text("comment", comment, 2000, required: false).ThrowIfAny();
        var approval = await ApprovalRows.LoadAsync(context, companyId, Id);
        if (approval.Status != ApprovalStatus.Pending)
        {
            throw new ConflictException($"Approval #{Id} is already {approval.Status.ToDb()}.", "approval.decided");
        }

        await context.Sql(WorkSql.DecideApproval)
            .With("id", Id)
            .With<ApprovalStatus>("status", status)
            .With("actor", context.Actor ?? Actor.System)
            .With("comment", string.IsNullOrWhiteSpace(comment) ? null : comment.Trim())
            .With("now", context.Now)
            .ExecuteAsync();
        await context.UnregisterReminderAsync(ExpiryReminder);
        approval = await ApprovalRows.LoadAsync(context, companyId, Id);
        await ApprovalRows.PublishAsync(context, status == ApprovalStatus.Approved ? WorkEventTypes.ApprovalApproved : WorkEventTypes.ApprovalRejected, approval);
        return approval;
    }

    /// <summary>Sets the limit named in a budget raise to the proposed value (only ever upwards).</summary>
    private async Task RaiseAsync(ApprovalDto approval)
    {
        var proposed = approval.ProposedLimit ?? 0m;
        if (approval.Limit == BudgetLimit.CompanyMonthlyBudget)
        {
            var budget = await context.Join<ICompanyWorkGrain>(approval.CompanyId).ReadAsync(g => g.GetBudgetAsync(approval.CompanyId));
            if (budget.MonthlyLimit is { } current && current < proposed)
            {
                await context.Join<ICompanyWorkGrain>(approval.CompanyId).CallAsync(g => g.SetBudgetAsync(new SetCompanyBudgetCommand(approval.CompanyId, proposed)));
            }

            return;
        }

        if (approval.Limit == BudgetLimit.CompanyMonthlyTokens)
        {
            await context.Join<ICompanyPolicyGrain>(approval.CompanyId).CallAsync(g => g.RaiseTokenLimitAsync(approval.CompanyId, (long)Math.Ceiling(proposed)));
            return;
        }

        var agent = await AgentRows.LoadAsync(context, approval.CompanyId, approval.AgentId);
        var limits = agent.Profile.Limits;
        var tokens = (long)Math.Ceiling(proposed);
        limits = approval.Limit switch
        {
            BudgetLimit.AgentTokensPerDay when limits.TokensPerDay is { } day && day < tokens => limits with { TokensPerDay = tokens },
            BudgetLimit.AgentTokensPerMonth when limits.TokensPerMonth is { } month && month < tokens => limits with { TokensPerMonth = tokens },
            BudgetLimit.AgentMaxCost when limits.MaxCost is { } cost && cost < proposed => limits with { MaxCost = proposed },
            _ => limits,
        };
        if (!ReferenceEquals(limits, agent.Profile.Limits))
        {
            await context.Join<IAgentGrain>(approval.AgentId)
                .CallAsync(g => g.UpdateAsync(new UpdateAgentCommand(approval.CompanyId, agent.Profile with { Limits = limits })));
        }
    }

    /// <summary>
    /// A tool call held for approval blocks its task; whatever the decision, the task goes on, and the agent
    /// loop reads the decision by the call's step: approved, the call runs; otherwise the agent is told why.
    /// </summary>
    private async Task ResumeToolCallAsync(ApprovalDto approval, TaskDto task, string reason)
    {
        if (task.Status == TaskState.Blocked)
        {
            await TaskOf(approval).CallAsync(g => g.UnblockAsync(new TaskTransitionCommand(approval.CompanyId, Reason: AgentBriefing.Clip(reason, 2000))));
        }
    }

    private IJoinedGrain<ITaskGrain> TaskOf(ApprovalDto approval) => context.Join<ITaskGrain>(approval.TaskId.ToString(CultureInfo.InvariantCulture));
}
