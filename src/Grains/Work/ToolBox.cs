using System.Globalization;
using System.Text.RegularExpressions;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Organization;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Work;

/// <summary>What a tool call did, as the model reads it (<see cref="Result"/>) and as the trace records it.</summary>
internal sealed record ToolResult(ToolOutcome Outcome, string Result, string? Reason = null, object? Refs = null)
{
    public static ToolResult Ok(string text, object? refs = null) => new(ToolOutcome.Ok, "ok: " + text, null, refs);

    public static ToolResult Waiting(string text, object? refs = null) => new(ToolOutcome.Waiting, text, null, refs);

    public static ToolResult Denied(string reason, string? hint = null) => new(ToolOutcome.Denied, $"denied: {reason}{(hint is null ? "" : " " + hint)}", reason);

    public static ToolResult Error(string reason) => new(ToolOutcome.Error, "error: " + reason, reason);
}

/// <summary>What a tool call may touch: the run, its task and agent, and the tools offered.</summary>
internal sealed record ToolScope(RunState Run, TaskDto Task, WorkingAgent Agent, FunctionCallContent Call, string StepKey, IReadOnlySet<string> Offered, WorkOptions Options);

/// <summary>
/// Runs the agent's tool calls as grain operations inside the runner's turn. Every side effect carries
/// the call's step key (or is recorded in the same transaction as the step), so a replayed step does
/// not repeat it. Refusals are answers the model reads, never exceptions.
/// </summary>
internal sealed partial class ToolBox(ITurnContext context, ILogger logger)
{
    public async Task<ToolResult> RunAsync(ToolScope scope)
    {
        if (!scope.Offered.Contains(scope.Call.Name))
        {
            return ToolResult.Denied($"there is no tool '{scope.Call.Name}' available to you.", $"Available: {string.Join(", ", scope.Offered.Order(StringComparer.Ordinal))}.");
        }

        if (!scope.Call.TryParseArguments(out var arguments))
        {
            return ToolResult.Error("the arguments are not a JSON object.");
        }

        var args = new ToolArgs(arguments);
        return scope.Call.Name switch
        {
            WorkTools.WriteWorklog => await WriteWorklogAsync(scope, args),
            WorkTools.CreateArtifact => await CreateArtifactAsync(scope, args),
            WorkTools.DelegateTask => await DelegateAsync(scope, args),
            WorkTools.Escalate => await EscalateAsync(scope, args),
            WorkTools.RequestClarification => await RequestClarificationAsync(scope, args),
            WorkTools.RequestApproval => await RequestApprovalAsync(scope, args),
            WorkTools.CompleteTask => await CompleteAsync(scope, args),
            WorkTools.FailTask => await FailAsync(scope, args),
            _ => ToolResult.Denied($"there is no tool '{scope.Call.Name}'."),
        };
    }

    private IJoinedGrain<ITaskGrain> TaskOf(ToolScope scope) => context.Join<ITaskGrain>(scope.Task.Id);

    private async Task<ToolResult> WriteWorklogAsync(ToolScope scope, ToolArgs args)
    {
        if (args.Text("body", "entry", "text", "note", "message", "content") is not { } body)
        {
            return ToolResult.Error("'body' is required.");
        }

        var visibility = args.Text("visibility") is { } v && Enum.TryParse<WorklogVisibility>(v, ignoreCase: true, out var parsed) ? parsed : WorklogVisibility.Project;
        var entry = await TaskOf(scope).CallAsync(t => t.AddWorklogAsync(new AddWorklogCommand(scope.Task.CompanyId, scope.Agent.Id, AgentBriefing.Clip(body, 20_000), visibility, scope.StepKey)));
        return ToolResult.Ok($"worklog entry #{entry.Id} written.", new { worklogId = entry.Id });
    }

    private async Task<ToolResult> CreateArtifactAsync(ToolScope scope, ToolArgs args)
    {
        if (args.Text("name", "title", "file_name", "filename") is not { } name)
        {
            return ToolResult.Error("'name' is required.");
        }

        if (!scope.Run.Artifacts.TryGetValue(scope.Call.CallId, out var stored))
        {
            return args.Text("content", "body", "text", "markdown", "data") is null
                ? ToolResult.Error("'content' is required.")
                : ToolResult.Error($"the content could not be stored (at most {scope.Options.MaxArtifactBytes / 1024} KB).");
        }

        var kind = args.Text("kind", "type", "artifact_kind")?.ToLowerInvariant() switch
        {
            "spec" or "specification" => ArtifactKind.Spec,
            "post" => ArtifactKind.Post,
            _ => ArtifactKind.File,
        };
        var artifact = await TaskOf(scope).CallAsync(t => t.AttachArtifactAsync(new AttachArtifactCommand
        {
            CompanyId = scope.Task.CompanyId,
            Kind = kind,
            Name = AgentBriefing.Clip(name, 300),
            Object = stored,
            AgentId = scope.Agent.Id,
            StepKey = scope.StepKey,
        }));
        return ToolResult.Ok($"artifact #{artifact.Id} '{artifact.Name}' stored ({stored.Size.ToString("#,0", CultureInfo.InvariantCulture)} bytes).", new { artifactId = artifact.Id });
    }

    private async Task<ToolResult> DelegateAsync(ToolScope scope, ToolArgs args)
    {
        var companyId = scope.Task.CompanyId;
        if (args.Long("to_agent_id", "assignee_id", "agent_id", "subordinate_id", "to") is not { } toAgentId)
        {
            return ToolResult.Error("'to_agent_id' is required (the id of one of your subordinates).");
        }

        if (args.Text("title", "name", "subject") is not { } title)
        {
            return ToolResult.Error("'title' is required.");
        }

        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var subordinates = await AgentBriefing.SubordinatesAsync(context, org, companyId, scope.Agent.Id);
        var hint = subordinates.Count == 0
            ? "You have no subordinates: do the work yourself, or escalate to your manager."
            : $"You may delegate to: {string.Join(", ", subordinates.Select(s => $"{s.Name} (id {s.Id})"))}; escalate to your manager for anyone else.";
        if (org.Agent(toAgentId) is not { } target)
        {
            return ToolResult.Denied($"there is no agent {toAgentId}.", hint);
        }

        if (target.Status != AgentStatus.Active)
        {
            return ToolResult.Denied($"{target.FirstName} {target.LastName} is {target.Status.ToDb()} and cannot take work.", hint);
        }

        var decision = await context.Join<IHierarchyPolicyGrain>(companyId).ReadAsync(g => g.CanAssignAsync(new CanAssignQuestion(companyId, scope.Agent.Id, toAgentId)));
        if (!decision.Allowed)
        {
            // The denial is written in a turn of its own (policy.denied on the company's stream), like every refusal.
            await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = companyId,
                Action = "agent.delegate",
                Rule = decision.Rule!,
                Reason = decision.Reason!,
                Actor = Actor.AgentName(scope.Agent.Id),
                FromAgentId = scope.Agent.Id,
                ToAgentId = toAgentId,
                TaskId = scope.Task.Id,
            });
            return ToolResult.Denied($"{decision.Reason} (rule {decision.Rule}).", hint) with { Refs = new { rule = decision.Rule, toAgentId } };
        }

        var subtask = await context.Join<IAgentGrain>(scope.Agent.Id).CallAsync(g => g.DelegateAsync(new DelegateCommand
        {
            CompanyId = companyId,
            ToAgentId = toAgentId,
            Title = AgentBriefing.Clip(title, 300),
            Description = args.Text("description", "details", "instructions", "body", "brief") ?? "",
            ParentTaskId = scope.Task.Id,
            Priority = args.Text("priority") is { } p && Enum.TryParse<TaskPriority>(p, ignoreCase: true, out var priority) ? priority : scope.Task.Priority,
            DeadlineAt = scope.Task.DeadlineAt,
        }));
        return ToolResult.Ok($"delegated as task #{subtask.Id} to {target.FirstName} {target.LastName}.", new { taskId = subtask.Id, toAgentId });
    }

    private async Task<ToolResult> EscalateAsync(ToolScope scope, ToolArgs args)
    {
        if (args.Text("subject", "reason", "title", "summary", "problem") is not { } subject)
        {
            return ToolResult.Error("'subject' is required.");
        }

        var body = args.Text("body", "details", "description", "message", "text") ?? "";
        var escalation = await context.Join<IAgentGrain>(scope.Agent.Id)
            .CallAsync(g => g.EscalateAsync(new EscalateCommand(scope.Task.CompanyId, AgentBriefing.Clip(subject, 300), body, scope.Task.Id)));
        var to = escalation.ToAgentId is { } managerId && await WorkingAgent.FindAsync(context, scope.Task.CompanyId, managerId) is { } manager
            ? $"{manager.Name} ({manager.Role})"
            : "the CEO";
        return ToolResult.Ok($"escalated to {to} (escalation #{escalation.Id}).", new { escalationId = escalation.Id, toAgentId = escalation.ToAgentId });
    }

    private async Task<ToolResult> RequestClarificationAsync(ToolScope scope, ToolArgs args)
    {
        if (args.Text("question", "text", "body", "message") is not { } question)
        {
            return ToolResult.Error("'question' is required.");
        }

        var companyId = scope.Task.CompanyId;
        var askedOf = scope.Task.CreatedBy;
        var clarification = await context.Sql(WorkSql.InsertClarification)
            .With("company_id", companyId)
            .With("task_id", scope.Task.Id)
            .With("agent_id", scope.Agent.Id)
            .With("asked_of", askedOf)
            .With("question", AgentBriefing.Clip(question, 4000))
            .With("step_key", scope.StepKey)
            .With("now", context.Now)
            .FirstOrDefaultAsync(WorkRows.MapClarification);
        if (clarification is null)
        {
            return ToolResult.Error("this question was already asked.");
        }

        var asked = Actor.Parse(askedOf);
        await context.PublishAsync(Streams.Task(scope.Task.Id), WorkEventTypes.ClarificationRequested, clarification, companyId);
        await context.PublishAsync(asked.IsAgent ? Streams.Agent(asked.Id!.Value) : Streams.Company(companyId), WorkEventTypes.ClarificationRequested, clarification, companyId);
        var who = asked.IsAgent && await WorkingAgent.FindAsync(context, companyId, asked.Id!.Value) is { } creator ? creator.Name : "the CEO";
        await TaskOf(scope).CallAsync(t => t.BlockAsync(new TaskTransitionCommand(companyId, Reason: $"Waiting for an answer from {who} (question #{clarification.Id}): {AgentBriefing.Clip(question, 500)}")));
        return ToolResult.Waiting($"waiting: question #{clarification.Id} sent to {who}; the task is blocked until it is answered.", new { clarificationId = clarification.Id });
    }

    private async Task<ToolResult> RequestApprovalAsync(ToolScope scope, ToolArgs args)
    {
        if (args.Text("action", "what", "title", "subject", "summary") is not { } action)
        {
            return ToolResult.Error("'action' is required.");
        }

        var companyId = scope.Task.CompanyId;
        var reason = args.Text("reason", "justification", "details", "description", "why") ?? "";
        var amount = args.Decimal("amount", "cost", "budget");
        var kind = KindOf(args.Text("kind", "type", "category"), $"{action} {reason}");
        if (ToPolicyAction(kind) is { } policyAction)
        {
            var rule = await context.Join<IHierarchyPolicyGrain>(companyId).ReadAsync(g => g.RequiresApprovalAsync(new ApprovalQuestion(companyId, policyAction, amount)));
            if (!rule.Required)
            {
                return ToolResult.Ok($"approved: the company's rules do not require the CEO's approval for this {ApprovalRows.Describe(kind)}; go ahead.", new { required = false });
            }
        }

        var approval = await ApprovalRows.OpenAsync(context, new ApprovalDraft(companyId, scope.Task.Id, scope.Agent.Id, kind, action, reason, scope.StepKey, amount), scope.Options.ApprovalTimeToLive);
        await TaskOf(scope).CallAsync(t => t.RequestApprovalAsync(new RequestApprovalCommand(companyId, AgentBriefing.Clip($"{action} (approval #{approval.Id})", 100), AgentBriefing.Clip(reason, 2000))));
        return ToolResult.Waiting($"pending: approval #{approval.Id} requested from the CEO; the task waits for the decision.", new { approvalId = approval.Id });
    }

    private async Task<ToolResult> CompleteAsync(ToolScope scope, ToolArgs args)
    {
        var result = args.Text("result", "summary", "output", "outcome", "text", "report") ?? "Done.";
        var task = await TaskOf(scope).ReadAsync(t => t.GetAsync(scope.Task.CompanyId));
        if (task.Subtasks.Open > 0)
        {
            scope.Run.PendingResult = result;
            scope.Run.WaitingFor = RunWaits.Subtasks;
            return ToolResult.Waiting($"waiting: {task.Subtasks.Open} subtask(s) are still open; the task completes with this result when they are finished.", new { openSubtasks = task.Subtasks.Open });
        }

        await TaskOf(scope).CallAsync(t => t.CompleteAsync(new CompleteTaskCommand(scope.Task.CompanyId, AgentBriefing.Clip(result, 20_000))));
        return ToolResult.Ok("the task is complete.");
    }

    private async Task<ToolResult> FailAsync(ToolScope scope, ToolArgs args)
    {
        var reason = args.Text("reason", "error", "why", "message", "text") ?? "The agent gave up without a reason.";
        await TaskOf(scope).CallAsync(t => t.FailAsync(new TaskTransitionCommand(scope.Task.CompanyId, Reason: AgentBriefing.Clip(reason, 2000))));
        return ToolResult.Ok("the task is failed.");
    }

    private static ApprovalKind KindOf(string? stated, string text)
    {
        var kind = stated?.Trim().ToLowerInvariant().Replace(' ', '_') switch
        {
            "publication" or "publish" or "post" => ApprovalKind.Publication,
            "spending" or "spend" or "purchase" or "payment" => ApprovalKind.Spending,
            "external" or "external_action" => ApprovalKind.External,
            "other" => ApprovalKind.Other,
            _ => (ApprovalKind?)null,
        };
        if (kind is { } k)
        {
            return k;
        }

        if (PublishPattern().IsMatch(text))
        {
            return ApprovalKind.Publication;
        }

        if (SpendPattern().IsMatch(text))
        {
            return ApprovalKind.Spending;
        }

        return ExternalPattern().IsMatch(text) ? ApprovalKind.External : ApprovalKind.Other;
    }

    private static ApprovalAction? ToPolicyAction(ApprovalKind kind) => kind switch
    {
        ApprovalKind.Publication => ApprovalAction.Publication,
        ApprovalKind.Spending => ApprovalAction.Spending,
        ApprovalKind.External => ApprovalAction.ExternalAction,
        _ => null,
    };

    [GeneratedRegex(@"\b(?:publish\w*|post\w*|launch\w*|announc\w*|release\w*|tweet\w*|newsletter|go live|press)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"\b(?:spend\w*|buy\w*|purchas\w*|pay\w*|invoice\w*|contract\w*|subscri\w*|invest\w*|budget\w*)\b|[$€£]\s?\d", RegexOptions.IgnoreCase)]
    private static partial Regex SpendPattern();

    [GeneratedRegex(@"\b(?:external\w*|e-?mail\w*|call\w*|contact\w*|vendor\w*|supplier\w*|partner\w*|customer\w*|client\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalPattern();
}

/// <summary>What a parked run waits for (task_runs.waiting_for).</summary>
internal static class RunWaits
{
    public const string Subtasks = "subtasks";
    public const string Approval = "approval";
    public const string Clarification = "clarification";
    public const string Budget = "budget";
    public const string Paused = "paused";
    public const string Blocked = "blocked";
    public const string Schedule = "schedule";
    public const string AgentInactive = "agent_inactive";
}
