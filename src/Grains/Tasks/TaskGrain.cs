using System.Globalization;
using FluidManager.Grains.Agents;
using FluidManager.Grains.Artifacts;
using FluidManager.Grains.Data;
using FluidManager.Grains.Governance;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Tasks;

/// <summary>
/// One task (key = task id). Status changes go through <see cref="TaskStateMachine"/>; each one bumps
/// the version and publishes its event in one turn, and posts the parent task a <see cref="SubtaskChanged"/>
/// message that the parent applies in a turn of its own (no grain runs another task's code in its transaction).
/// Its read-only calls take the task (<see cref="TaskDto"/>, with its subtasks' progress) from memory once
/// warm. Besides this grain's own write turns, the writers of those rows touch it
/// (<see cref="WarmTurnExtensions.TouchWarm{TGrain}(ITurnContext, long)"/>): a subtask's creation or status
/// change (the parent's progress), an assignee's deletion (the assignee).
/// </summary>
[GrainType("task")]
[TraceGroup("task")]
[WarmReads]
public sealed class TaskGrain(ITurnContext context, ILogger<TaskGrain> logger)
    : DurableGrain, ITaskGrain, IHandle<SubtaskChanged>, IHandle<ParentCancelled>, IHandle<RecordUsageCommand>
{
    private WarmState<TaskDto>? _task;

    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Task");

    private WarmState<TaskDto> Remembered => _task ??= Warm(LoadTaskAsync);

    public async Task<TaskDto> GetAsync(long companyId)
    {
        var task = await Remembered.GetAsync();
        return task.CompanyId == companyId ? task : throw new NotFoundException("Task", Id);
    }

    public async Task<IReadOnlyList<TaskDto>> ListSubtasksAsync(long companyId)
    {
        await GetAsync(companyId);
        return await context.Sql(TaskSql.Subtasks).With("id", Id).With("company_id", companyId).ListAsync(TaskRows.Map);
    }

    public async Task<TaskDto> AssignAsync(AssignTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.Assign);
        var agent = await AgentRows.FindAsync(context, command.CompanyId, command.AgentId) ?? throw new NotFoundException("Agent", command.AgentId);
        if (agent.Status == AgentStatus.Archived)
        {
            throw new ConflictException($"{agent.DisplayName} is archived and cannot take work.", "agent.archived");
        }

        var routing = await CeoRouting.DecideAsync(context, command.CompanyId, Id, agent.Id);
        if (routing.Refusal is { } refusal)
        {
            throw await PolicyDenials.RecordAsync(context, logger, CeoRouting.Denial(command.CompanyId, Id, agent.Id, refusal));
        }

        if (task.AssigneeAgentId == routing.AssigneeId)
        {
            return task;
        }

        await CheckAssignmentPolicyAsync(task, routing.AssigneeId);
        if (routing.Routed is { } routed)
        {
            await context.Sql(CompanyPolicySql.AppendToDescription).With("id", Id).With("company_id", command.CompanyId).With("text", routed.Description).ExecuteAsync();
        }

        var reason = routing.Routed?.Description ?? (to == task.Status ? task.StatusReason : null);
        var assigned = await ChangeStatusAsync(task, TaskAction.Assign, to, reason, assignee: routing.AssigneeId);
        if (routing.Routed is { } route)
        {
            await context.PublishAsync(Streams.Task(Id), GovernanceEventTypes.TaskRouted, route, command.CompanyId);
        }

        return assigned;
    }

    public async Task<TaskDto> StartAsync(TaskTransitionCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.Start);
        if (task.AssigneeAgentId is null)
        {
            throw new ConflictException($"Task {Id} has no assignee: assign it before starting it.", "task.unassigned");
        }

        return await ChangeStatusAsync(task, TaskAction.Start, to, command.Reason);
    }

    public Task<TaskDto> PauseAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Pause);

    public Task<TaskDto> ResumeAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Resume);

    public Task<TaskDto> BlockAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Block);

    public Task<TaskDto> UnblockAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Unblock);

    public async Task<TaskDto> RequestApprovalAsync(RequestApprovalCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("action", command.Action, 100).Text("reason", command.Reason, 2000, required: false).ThrowIfAny();
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.RequestApproval);
        var reason = command.Reason is { Length: > 0 } why ? $"Awaiting approval of {command.Action}: {why}" : $"Awaiting approval of {command.Action}.";
        return await ChangeStatusAsync(task, TaskAction.RequestApproval, to, reason);
    }

    public Task<TaskDto> ApproveAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Approve);

    public Task<TaskDto> RejectAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Reject);

    public async Task<TaskDto> CompleteAsync(CompleteTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.Complete);
        return await ChangeStatusAsync(task, TaskAction.Complete, to, reason: null, result: command.Result);
    }

    public Task<TaskDto> FailAsync(TaskTransitionCommand command) => TransitionAsync(command, TaskAction.Fail);

    public async Task<TaskDto> CancelAsync(CancelTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.Cancel);
        var cancelled = await ChangeStatusAsync(task, TaskAction.Cancel, to, command.Reason);
        if (command.Cascade)
        {
            // The open subtasks cancel themselves in their own turns, from the messages this turn posts.
            await CascadeCancelAsync(command.CompanyId, command.Reason);
        }

        return cancelled;
    }

    public async Task<TaskDto> RetryAsync(TaskTransitionCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, TaskAction.Retry);
        if (task.AttemptCount >= task.MaxAttempts)
        {
            throw new ConflictException($"Task {Id} has used all {task.MaxAttempts} of its attempts.", "task.attempts_exhausted");
        }

        var retried = await ChangeStatusAsync(task, TaskAction.Retry, to, command.Reason);
        if (task.Status == TaskState.Failed)
        {
            await FeedbackLessons.LearnFromRetryAsync(context, task, command.Reason);
        }

        return retried;
    }

    public async Task<TaskDto> ChangePriorityAsync(ChangePriorityCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(Enum.IsDefined(command.Priority), "priority", "is not a known priority").ThrowIfAny();
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        TaskStateMachine.Apply(task.Status, TaskAction.Edit);
        if (task.Priority == command.Priority)
        {
            return task;
        }

        await context.Sql(TaskSql.SetPriority).With("id", Id).With<TaskPriority>("priority", command.Priority).With("now", context.Now).ExecuteAsync();
        return await PublishChangeAsync(task, EventTypes.TaskPriorityChanged, $"Priority {task.Priority.ToDb()} → {command.Priority.ToDb()}.");
    }

    public async Task<TaskDto> SetDeadlineAsync(SetDeadlineCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        TaskStateMachine.Apply(task.Status, TaskAction.Edit);
        await context.Sql(TaskSql.SetDeadline).With("id", Id).With("deadline_at", command.DeadlineAt).With("now", context.Now).ExecuteAsync();
        return await PublishChangeAsync(task, EventTypes.TaskDeadlineChanged, command.DeadlineAt is null ? "Deadline cleared." : "Deadline set.");
    }

    public async Task<TaskDto> EditAsync(EditTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields()
            .Text("title", command.Title, 300, required: false)
            .Text("description", command.Description, 50_000, required: false)
            .Check(command.Title is null || command.Title.Trim().Length > 0, "title", "must not be empty")
            .ThrowIfAny();
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        TaskStateMachine.Apply(task.Status, TaskAction.Edit);
        var title = command.Title?.Trim() ?? task.Title;
        var description = command.Description ?? task.Description;
        if (title == task.Title && description == task.Description)
        {
            return task;
        }

        await context.Sql(TaskSql.SetText).With("id", Id).With("company_id", command.CompanyId).With("title", title).With("description", description)
            .With("now", context.Now).ExecuteAsync();
        return await PublishChangeAsync(task, EventTypes.TaskEdited, title == task.Title ? "Description edited." : $"Title \"{task.Title}\" → \"{title}\".");
    }

    public async Task DeleteAsync(DeleteTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        if (task.Status is not (TaskState.Done or TaskState.Cancelled))
        {
            throw new ConflictException(
                $"Task {Id} is {task.Status.ToDb()}: only a done or cancelled task can be deleted; cancel it first.", "task.not_finished");
        }

        await context.Sql(TaskSql.Delete).With("id", Id).With("company_id", command.CompanyId).With("now", context.Now).With("actor", context.Actor).ExecuteAsync();
        await context.PublishAsync(Streams.Task(Id), EventTypes.TaskDeleted, new TaskDeletedEvent(Id, task.Title, task.Status, context.Actor, context.Now), command.CompanyId);
    }

    public async Task<TaskDto> RecordUsageAsync(RecordUsageCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        CheckUsage(command);
        return await AddUsageAsync(await TaskRows.LoadAsync(context, command.CompanyId, Id), command);
    }

    /// <summary>
    /// A model call's usage, posted by the turn that recorded the call (the task's runner, a lesson request). A
    /// deleted task's row still counts its costs, so the usage is added to it without an event.
    /// </summary>
    public async Task HandleAsync(RecordUsageCommand message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await TaskRows.FindAsync(context, message.CompanyId, Id) is not { } task)
        {
            await AddUsageAsync(message);
            return;
        }

        CheckUsage(message);
        await AddUsageAsync(task, message);
    }

    public async Task<CommentDto> CommentAsync(AddCommentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("body", command.Body, 20_000).ThrowIfAny();
        var task = await TaskRows.LoadAsync(context, command.CompanyId, Id);
        TaskStateMachine.Apply(task.Status, TaskAction.Comment);
        var comment = (await context.Sql(TaskSql.InsertComment)
            .With("company_id", command.CompanyId)
            .With("task_id", Id)
            .With("author", context.Actor ?? Actor.System)
            .With("body", command.Body.Trim())
            .With("now", context.Now)
            .FirstOrDefaultAsync(TaskRows.MapComment))!;
        await context.PublishAsync(Streams.Task(Id), EventTypes.TaskCommented, comment, command.CompanyId);
        await FeedbackLessons.LearnFromCommentAsync(context, task, comment.Body);
        return comment;
    }

    public async Task<IReadOnlyList<CommentDto>> ListCommentsAsync(long companyId)
    {
        await GetAsync(companyId);
        return await context.Sql(TaskSql.Comments).With("task_id", Id).ListAsync(TaskRows.MapComment);
    }

    public async Task<WorklogEntryDto> AddWorklogAsync(AddWorklogCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields()
            .Text("body", command.Body, 20_000)
            .Text("stepKey", command.StepKey, 200, required: false)
            .Check(Enum.IsDefined(command.Visibility), "visibility", "is not a known visibility")
            .ThrowIfAny();
        await TaskRows.LoadAsync(context, command.CompanyId, Id);
        if (command.StepKey is { } stepKey
            && await context.Sql(TaskSql.WorklogByStep).With("task_id", Id).With("step_key", stepKey).FirstOrDefaultAsync(TaskRows.MapWorklog) is { } replayed)
        {
            return replayed;
        }

        if (command.AgentId is { } agentId)
        {
            _ = await AgentRows.FindAsync(context, command.CompanyId, agentId) ?? throw new NotFoundException("Agent", agentId);
        }

        var entry = await context.Sql(TaskSql.InsertWorklog)
            .With("company_id", command.CompanyId)
            .With("task_id", Id)
            .With("agent_id", command.AgentId)
            .With<WorklogVisibility>("visibility", command.Visibility)
            .With("body", command.Body.Trim())
            .With("step_key", command.StepKey)
            .With("created_by", context.Actor)
            .With("now", context.Now)
            .FirstOrDefaultAsync(TaskRows.MapWorklog);
        if (entry is null)
        {
            // Another turn wrote the same step between our lookup and insert: return its entry.
            return (await context.Sql(TaskSql.WorklogByStep).With("task_id", Id).With("step_key", command.StepKey).FirstOrDefaultAsync(TaskRows.MapWorklog))!;
        }

        await context.PublishAsync(Streams.Task(Id), EventTypes.TaskWorklogAdded, entry, command.CompanyId);
        return entry;
    }

    public async Task<IReadOnlyList<WorklogEntryDto>> ListWorklogAsync(ListWorklogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await GetAsync(query.CompanyId);
        var entries = await context.Sql(TaskSql.Worklog).With("task_id", Id).ListAsync(TaskRows.MapWorklog);
        if (query.ViewerAgentId is not { } viewer)
        {
            return entries;
        }

        var org = await OrgSnapshot.LoadAsync(context, query.CompanyId);
        if (org.Agent(viewer) is null)
        {
            throw new NotFoundException("Agent", viewer);
        }

        return entries.Where(e => e.Visibility switch
        {
            WorklogVisibility.Project => true,
            WorklogVisibility.Manager => e.AgentId is { } author && (author == viewer || org.Ancestors(author).Contains(viewer)),
            _ => e.AgentId == viewer,
        }).ToList();
    }

    public async Task<ArtifactDto> AttachArtifactAsync(AttachArtifactCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(command.Kind != ArtifactKind.Avatar, "kind", "an avatar belongs to an agent, not a task").ThrowIfAny();
        await TaskRows.LoadAsync(context, command.CompanyId, Id);
        if (command.AgentId is { } agentId)
        {
            _ = await AgentRows.FindAsync(context, command.CompanyId, agentId) ?? throw new NotFoundException("Agent", agentId);
        }

        var (artifact, created) = await ArtifactRows.RecordAsync(context, command, taskId: Id, agentId: command.AgentId);
        if (created)
        {
            await context.PublishAsync(Streams.Task(Id), EventTypes.TaskArtifactAdded, artifact, command.CompanyId);
        }

        return artifact;
    }

    public async Task<IReadOnlyList<ArtifactDto>> ListArtifactsAsync(long companyId)
    {
        await GetAsync(companyId);
        return await ArtifactRows.ForTaskAsync(context, companyId, Id);
    }

    public async Task<ArtifactDto> DeleteArtifactAsync(long companyId, long artifactId)
    {
        await TaskRows.LoadAsync(context, companyId, Id);
        var deleted = await context.Sql(ArtifactSql.DeleteOfTask).With("id", artifactId).With("company_id", companyId).With("task_id", Id)
            .With("now", context.Now).With("actor", context.Actor).FirstOrDefaultAsync(ArtifactRows.Map)
            ?? throw new NotFoundException("Artifact", artifactId);
        await context.PublishAsync(Streams.Task(Id), EventTypes.TaskArtifactDeleted, deleted, companyId);
        return deleted;
    }

    /// <summary>
    /// A subtask's status changed (fan-in): the progress event, then the failure policy's reaction to a failed
    /// subtask, or the announcement that every subtask is finished. Several messages may find every subtask
    /// finished (they are applied after the changes committed); the announcement is made once per subtask count.
    /// </summary>
    public async Task HandleAsync(SubtaskChanged notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (await TaskRows.FindAsync(context, notice.CompanyId, Id) is not { } task)
        {
            return; // deleted since: nothing is told about it any more
        }

        var progress = new SubtaskProgressEvent(Id, notice.SubtaskId, notice.From, notice.To, task.Subtasks);
        await context.PublishAsync(Streams.Task(Id), EventTypes.TaskSubtaskProgress, progress, notice.CompanyId);

        if (notice.To == TaskState.Failed && !TaskStateMachine.IsFinal(task.Status))
        {
            var reason = $"Subtask {notice.SubtaskId} failed.";
            var reaction = task.FailurePolicy switch
            {
                SubtaskFailurePolicy.Fail => TaskAction.Fail,
                SubtaskFailurePolicy.Block => TaskAction.Block,
                _ => (TaskAction?)null,
            };
            if (reaction is { } action && TaskStateMachine.TryApply(task.Status, action, out var to))
            {
                await ChangeStatusAsync(task, action, to, reason);
            }
        }
        else if (notice.To is TaskState.Done or TaskState.Cancelled && task.Subtasks.AllFinished
            && await context.Sql(TaskSql.AnnounceSubtasksFinished).With("id", Id).With("total", task.Subtasks.Total).ExecuteAsync() == 1)
        {
            await context.PublishAsync(Streams.Task(Id), EventTypes.TaskSubtasksFinished, progress, notice.CompanyId);
        }
    }

    /// <summary>The parent was cancelled with its subtasks: this one is cancelled too (if still open), and so are its own.</summary>
    public async Task HandleAsync(ParentCancelled message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await TaskRows.FindAsync(context, message.CompanyId, Id) is not { } task)
        {
            return;
        }

        if (TaskStateMachine.TryApply(task.Status, TaskAction.Cancel, out var to))
        {
            var reason = message.Reason ?? $"Cancelled with its parent task {message.ParentTaskId}.";
            await ChangeStatusAsync(task, TaskAction.Cancel, to, reason, notifyParent: false);
        }

        await CascadeCancelAsync(message.CompanyId, message.Reason);
    }

    private async Task<TaskDto> TransitionAsync(TaskTransitionCommand command, TaskAction action)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var to = TaskStateMachine.Apply(task.Status, action);
        return await ChangeStatusAsync(task, action, to, command.Reason);
    }

    /// <summary>What the activation keeps in memory: the task as its reads return it.</summary>
    private async Task<TaskDto> LoadTaskAsync() =>
        await context.Sql(TaskSql.ByKey).With("id", Id).FirstOrDefaultAsync(TaskRows.Map) ?? throw new NotFoundException("Task", Id);

    private async Task<TaskDto> LoadForChangeAsync(long companyId, long? expectedVersion)
    {
        var task = await TaskRows.LoadAsync(context, companyId, Id);
        Guard.Version($"Task {Id}", expectedVersion, task.Version);
        return task;
    }

    /// <summary>Writes the new status and publishes the action's event; the parent learns of it from a message posted in this turn.</summary>
    private async Task<TaskDto> ChangeStatusAsync(TaskDto task, TaskAction action, TaskState to, string? reason, string? result = null, long? assignee = null, bool notifyParent = true)
    {
        await context.Sql(TaskSql.Transition)
            .With("id", Id)
            .With<TaskState>("to", to)
            .With("begins_attempt", TaskStateMachine.BeginsAttempt(action, task.AttemptCount))
            .With("assignee", assignee)
            .With("reason", reason)
            .With("result", result)
            .With("now", context.Now)
            .ExecuteAsync();
        if (to != task.Status && task.ParentTaskId is { } parent)
        {
            context.TouchWarm<ITaskGrain>(parent); // its subtasks' progress changed with this row
        }

        var changed = await TaskRows.LoadAsync(context, task.CompanyId, Id);
        var payload = new TaskChangedEvent(changed, task.Status, reason, action == TaskAction.Assign ? task.AssigneeAgentId : null);
        await context.PublishAsync(Streams.Task(Id), TaskStateMachine.EventType(action), payload, task.CompanyId);
        if (changed.AssigneeAgentId is not null)
        {
            // The agent loop follows the task: it starts, parks, resumes or stops on its status changes.
            await context.PostAsync<ITaskRunnerGrain>(context.Key, new TaskRunSignal(task.CompanyId, Id, task.Status, to, action, reason));
        }

        if (to != task.Status && to is TaskState.Done or TaskState.Failed or TaskState.Cancelled)
        {
            // A step of a workflow run: the run learns the end of its task from this turn's outbox.
            await Workflows.WorkflowRunRows.NotifyTaskEndedAsync(context, task.CompanyId, Id, to);
        }

        if (notifyParent && to != task.Status && changed.ParentTaskId is { } parentId)
        {
            await context.PostAsync<ITaskGrain>(parentId.ToString(CultureInfo.InvariantCulture), new SubtaskChanged(task.CompanyId, Id, task.Status, to));
        }

        return changed;
    }

    private static void CheckUsage(RecordUsageCommand usage) =>
        new Fields().Check(usage.Tokens >= 0, "tokens", "must not be negative").Check(usage.Cost >= 0, "cost", "must not be negative").ThrowIfAny();

    /// <summary>Adds the usage to the task read in this turn, and publishes the change.</summary>
    private async Task<TaskDto> AddUsageAsync(TaskDto task, RecordUsageCommand usage)
    {
        await AddUsageAsync(usage);
        return await PublishChangeAsync(task, EventTypes.TaskUsageRecorded, null);
    }

    private Task AddUsageAsync(RecordUsageCommand usage) => context.Sql(TaskSql.AddUsage)
        .With("id", Id).With("company_id", usage.CompanyId).With("tokens", usage.Tokens).With("cost", usage.Cost).With("now", context.Now).ExecuteAsync();

    private async Task<TaskDto> PublishChangeAsync(TaskDto before, string eventType, string? reason)
    {
        var changed = await TaskRows.LoadAsync(context, before.CompanyId, Id);
        await context.PublishAsync(Streams.Task(Id), eventType, new TaskChangedEvent(changed, before.Status, reason), before.CompanyId);
        return changed;
    }

    /// <summary>Posts each open subtask a <see cref="ParentCancelled"/> message: they cancel themselves in their own turns.</summary>
    private async Task CascadeCancelAsync(long companyId, string? reason)
    {
        var open = await context.Sql(TaskSql.OpenSubtaskIds).With("id", Id).ListAsync(r => r.GetInt64(0));
        foreach (var subtaskId in open)
        {
            await context.PostAsync<ITaskGrain>(subtaskId.ToString(CultureInfo.InvariantCulture), new ParentCancelled(companyId, Id, reason));
        }
    }

    /// <summary>When an agent assigns, the hierarchy policy decides; humans and the system are not limited here.</summary>
    private async Task CheckAssignmentPolicyAsync(TaskDto task, long toAgentId)
    {
        var actor = Actor.Parse(context.Actor);
        if (!actor.IsAgent)
        {
            return;
        }

        var fromAgentId = actor.Id!.Value;
        var decision = await context.Join<IHierarchyPolicyGrain>(task.CompanyId)
            .ReadAsync(g => g.CanAssignAsync(new CanAssignQuestion(task.CompanyId, fromAgentId, toAgentId)));
        if (!decision.Allowed)
        {
            throw await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = task.CompanyId,
                Action = "task.assign",
                Rule = decision.Rule!,
                Reason = decision.Reason!,
                FromAgentId = fromAgentId,
                ToAgentId = toAgentId,
                TaskId = Id,
            });
        }
    }
}
