using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Tools;
using FluidManager.Models;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Work;

/// <summary>
/// The agent loop of one task (key = task id). Each step is a model call (an activity, outside any
/// turn) followed by the tool calls of its answer, run as grain operations in the turn that receives the
/// answer, exactly once: the answer, its cost, every tool call and its effects, and the next call are
/// committed together, so after a crash the loop resumes at the first step that was not recorded.
/// The task's grain tells the runner about every status change; the runner reads the task's current
/// status and acts on it: start or continue when it runs, park when it is paused, blocked or awaiting
/// approval, stop (cancelling the call in flight) when it is done, failed or cancelled.
/// </summary>
[GrainType("task-runner")]
[TraceGroup("task")]
public sealed class TaskRunnerGrain(ITurnContext context, IServiceProvider services, ILogger<TaskRunnerGrain> logger)
    : DurableGrain, ITaskRunnerGrain, IHandle<TaskRunSignal>, IHandle<SubtaskSettled>, IActivityOwner, IReminderTarget
{
    protected override ITurnContext Turn => context;

    private const string StartReminder = "start";
    private const string AttemptTimeoutReminder = "attempt-timeout";

    /// <summary>The savepoint before a start, rolled back to when the agent's gate refuses it at the end.</summary>
    private const string StartSavepoint = "start";
    private const string ToolSavepoint = "tool_call";

    private long Id => context.KeyAsId("Task");

    /// <summary>Null in a process that does not run agent work (the Api).</summary>
    private AgentWork? Work => services.GetService<AgentWork>();

    /// <summary>The governed tools (knowledge, SQL, web) this process offers, when any are registered.</summary>
    private AgentToolCatalog? Governed => services.GetService<AgentToolCatalog>();

    /// <summary>The sources of per-agent tools (MCP servers), when any are registered.</summary>
    private IEnumerable<IAgentToolSource> Sources => services.GetServices<IAgentToolSource>();
    private MemoryOptions MemoryOptions => services.GetService<IOptions<MemoryOptions>>()?.Value ?? new MemoryOptions();

    public async Task<TaskRunDto?> GetRunAsync(long companyId)
    {
        await TaskRows.LoadAsync(context, companyId, Id);
        return (await RunState.FindAsync(context, Id))?.ToDto();
    }

    public async Task<IReadOnlyList<LlmCallDto>> ListLlmCallsAsync(long companyId)
    {
        await TaskRows.LoadAsync(context, companyId, Id);
        return await context.Sql(WorkSql.LlmCallsOfTask).With("task_id", Id).With("company_id", companyId).ListAsync(WorkRows.MapLlmCall);
    }

    public async Task<IReadOnlyList<ToolCallDto>> ListToolCallsAsync(long companyId)
    {
        await TaskRows.LoadAsync(context, companyId, Id);
        return await context.Sql(WorkSql.ToolCallsOfTask).With("task_id", Id).With("company_id", companyId).ListAsync(WorkRows.MapToolCall);
    }

    public async Task HandleAsync(TaskRunSignal message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Work is not { } work)
        {
            Log.WorkNotEnabled(logger, Id);
            return;
        }

        var task = await TaskRows.FindAsync(context, message.CompanyId, Id);
        if (task is null)
        {
            return;
        }

        var run = await RunState.FindAsync(context, Id);
        if (!work.Options.Enabled && task.Status is TaskState.Queued or TaskState.Running && run?.Status != TaskRunStatus.Calling)
        {
            await context.RegisterReminderAsync(StartReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1)));
            return; // looked at again once agent work is enabled
        }

        switch (message.Action)
        {
            case TaskAction.Approve:
                await SettlePendingApprovalAsync(task, approved: true, message.Reason);
                break;
            case TaskAction.Reject:
                await SettlePendingApprovalAsync(task, approved: false, message.Reason);
                break;
            case TaskAction.Unblock when run is { IsActive: true }:
                // A held tool call's decision reaches the agent as the call's answer, not as a note.
                if (await DeliverAnswersAsync(run) == 0 && message.Reason is { Length: > 0 } reason && run.WaitingFor != RunWaits.Approval)
                {
                    run.Notes.Add(ChatMessage.User($"The task was unblocked by {Who(context.Actor)}: {reason}"));
                }

                break;
        }

        await ReconcileAsync(work, task, run);

        if (message.To is TaskState.Done or TaskState.Failed or TaskState.Cancelled && message.From != message.To && task.ParentTaskId is { } parentId)
        {
            await context.PostAsync<ITaskRunnerGrain>(parentId.ToString(CultureInfo.InvariantCulture), new SubtaskSettled(task.CompanyId, parentId, Id, message.To));
        }
    }

    public async Task HandleAsync(SubtaskSettled message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Work is not { } work)
        {
            Log.WorkNotEnabled(logger, Id);
            return;
        }

        var run = await RunState.FindAsync(context, Id);
        var task = await TaskRows.FindAsync(context, message.CompanyId, Id);
        if (run is not { IsActive: true } || task is null)
        {
            return;
        }

        var subtask = await TaskRows.FindAsync(context, message.CompanyId, message.SubtaskId);
        if (subtask is not null && run.PendingResult is null)
        {
            var outcome = subtask.Result ?? subtask.StatusReason ?? "";
            run.Notes.Add(ChatMessage.User($"Subtask #{subtask.Id} '{subtask.Title}' is {subtask.Status.ToDb()}{(outcome.Length > 0 ? ": " + AgentBriefing.Clip(outcome, 1000) : ".")}"));
        }

        if (run.PendingResult is not null && run.Status == TaskRunStatus.Waiting && task.Status == TaskState.Running)
        {
            await AdvanceAsync(work, run, task);
            return;
        }

        await run.SaveAsync(context);
    }

    public async Task ReceiveReminderAsync(ReminderTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        if (tick.Name == AttemptTimeoutReminder)
        {
            await OnAttemptTimeoutAsync();
            return;
        }

        if (tick.Name != StartReminder)
        {
            return;
        }

        if (Work is not { } work)
        {
            Log.WorkNotEnabled(logger, Id);
            return;
        }

        if (!work.Options.Enabled)
        {
            return; // the reminder keeps ticking every minute
        }

        await context.UnregisterReminderAsync(StartReminder);
        var companyId = await context.Sql(WorkSql.CompanyOfTask).With("task_id", Id).ScalarAsync<long>();
        var task = companyId == 0 ? null : await TaskRows.FindAsync(context, companyId, Id);
        if (task is not null)
        {
            await ReconcileAsync(work, task, await RunState.FindAsync(context, Id));
        }
    }

    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var work = Work ?? throw new InvalidOperationException(
            $"Task {Id}: a model call ended in a process without agent work; call AddAgentWork() in every silo. The outcome stays queued and can be replayed.");
        if (outcome.Kind == AgentToolActivity.ActivityKind)
        {
            await OnToolCompletedAsync(work, outcome);
            return;
        }

        if (outcome.Kind == MemoryBriefingActivity.ActivityKind)
        {
            await OnMemorySearchedAsync(work, outcome);
            return;
        }

        var result = outcome.Succeeded ? outcome.ResultAs<ModelCallResult>() : null;
        var run = await RunState.FindAsync(context, Id);
        var reservation = await Budget.ReleaseAsync(context, outcome.Id);
        var current = run is not null && run.ActivityId == outcome.Id;

        if (result is not null)
        {
            await RecordCallAsync(work, outcome.Id, result.CompanyId, result.AgentId, result.Attempt, result.Step, result.Model,
                result.Response, result.Duration, error: null, reservation);
        }
        else if (current)
        {
            await RecordCallAsync(work, outcome.Id, run!.CompanyId, run.AgentId, run.Attempt, run.Step, run.Model, response: null, TimeSpan.Zero, outcome.Error ?? "failed", reservation);
        }

        if (!current)
        {
            return; // a call the loop had already let go of (cancelled, reassigned): its spend is recorded, nothing more
        }

        run!.ActivityId = null;
        run.Status = TaskRunStatus.Idle;
        var task = await TaskRows.LoadAsync(context, run.CompanyId, Id);
        if (result is null)
        {
            await FailTaskAsync(run, task, $"The model call of step {run.Step} failed after {outcome.Attempts} attempt(s): {AgentBriefing.Clip(outcome.Error ?? "unknown error", 1000)}");
            return;
        }

        var response = result.Response;
        run.Conversation.Add(response.ToMessage());
        run.Artifacts = new Dictionary<string, Interfaces.Artifacts.StoredObject>(result.Artifacts, StringComparer.Ordinal);
        if (response.ToolCalls.Count == 0)
        {
            run.TextAnswers++;
            if (run.TextAnswers >= work.Options.MaxTextAnswers)
            {
                await FailTaskAsync(run, task, $"The agent answered {run.TextAnswers} times in a row without using its tools, so the task cannot go on. Last answer: {AgentBriefing.Clip(response.Text, 500)}");
                return;
            }

            run.Notes.Add(ChatMessage.User("Use your tools to go on: complete_task with the result when the task is done, fail_task if it cannot be done, or the tool for your next step."));
        }
        else
        {
            run.TextAnswers = 0;
        }

        if (task.Status != TaskState.Running)
        {
            await SettleAsync(run, task); // paused, blocked or stopped while the model was answering: its tool calls wait
            return;
        }

        await AdvanceAsync(work, run, task);
    }

    /// <summary>A governed tool call ended: its answer (or failure) is recorded, then the loop goes on.</summary>
    private async Task OnToolCompletedAsync(AgentWork work, ActivityOutcome outcome)
    {
        var run = await RunState.FindAsync(context, Id);
        if (run is null || run.ActivityId != outcome.Id)
        {
            return; // a call the loop had already let go of
        }

        run.ActivityId = null;
        run.Status = TaskRunStatus.Idle;
        var task = await TaskRows.LoadAsync(context, run.CompanyId, Id);
        if (run.UnansweredCalls().FirstOrDefault() is { } call)
        {
            var answer = outcome.Succeeded ? outcome.ResultAs<AgentToolResult>() : null;
            var result = answer is null
                ? ToolResult.Error($"the {call.Name} call failed after {outcome.Attempts} attempt(s): {AgentBriefing.Clip(outcome.Error ?? "unknown error", 1000)}")
                : new ToolResult(
                    answer.Status switch { AgentToolStatus.Ok => ToolOutcome.Ok, AgentToolStatus.Denied => ToolOutcome.Denied, _ => ToolOutcome.Error },
                    AgentBriefing.Cut(answer.Status == AgentToolStatus.Ok ? "ok: " + answer.Text : answer.Text, work.Options.MaxToolAnswerChars),
                    answer.Reason,
                    answer.Metadata);
            await RecordToolCallAsync(run, task, call, StepKey(run, call), result, TimeSpan.FromMilliseconds(answer?.DurationMs ?? 0));
            run.Conversation.Add(ChatMessage.Tool(call.CallId, result.Result));
        }

        if (task.Status != TaskState.Running)
        {
            await SettleAsync(run, task);
            return;
        }

        await AdvanceAsync(work, run, task);
    }

    /// <summary>Starts the briefing's memory search outside the turn (an activity, read-only, retried); the loop waits for its hits.</summary>
    private async Task SearchMemoryAsync(RunState run, MemoryBriefingInput search)
    {
        var activityId = await context.ScheduleActivityAsync(MemoryBriefingActivity.ActivityKind, search,
            new ActivityOptions { MaxAttempts = 3, Timeout = TimeSpan.FromMinutes(1), Backoff = TimeSpan.FromSeconds(1) });
        run.Status = TaskRunStatus.Calling;
        run.ActivityId = activityId;
        await run.SaveAsync(context);
    }

    /// <summary>
    /// The briefing's memory search ended: what fits the token bound is kept and recorded as a recall, the briefing is
    /// written, then the loop makes its first model call. A failed search leaves the briefing without memory.
    /// </summary>
    private async Task OnMemorySearchedAsync(AgentWork work, ActivityOutcome outcome)
    {
        var run = await RunState.FindAsync(context, Id);
        if (run is null || run.ActivityId != outcome.Id)
        {
            return; // a search the loop had already let go of
        }

        run.ActivityId = null;
        run.Status = TaskRunStatus.Idle;
        var task = await TaskRows.LoadAsync(context, run.CompanyId, Id);
        var found = outcome.Succeeded ? outcome.ResultAs<MemoryBriefingResult>() : null;
        if (found is null)
        {
            Log.BriefingMemoryFailed(logger, Id, outcome.Attempts, outcome.Error ?? "no result");
        }

        if (run.Conversation.Count == 0 && await WorkingAgent.FindAsync(context, task.CompanyId, run.AgentId) is { } agent)
        {
            var org = await OrgSnapshot.LoadAsync(context, task.CompanyId);
            var memory = await MemoryBriefing.CompleteAsync(context, MemoryOptions, org, agent.Id, task, run.Attempt, found);
            run.Conversation.AddRange((await AgentBriefing.WriteAsync(context, agent, task, run.Attempt, work.Options.RecentWorklog, memory)).Messages);
        }

        if (task.Status != TaskState.Running)
        {
            await SettleAsync(run, task);
            return;
        }

        await AdvanceAsync(work, run, task);
    }

    /// <summary>Acts on the task's current status (the signals only say that something changed).</summary>
    private async Task ReconcileAsync(AgentWork work, TaskDto task, RunState? run)
    {
        if (task.AssigneeAgentId is not { } agentId)
        {
            if (run is { IsActive: true })
            {
                await StopAsync(run, "The task has no assignee any more.");
            }

            return;
        }

        switch (task.Status)
        {
            case TaskState.Done or TaskState.Failed or TaskState.Cancelled:
                if (run is { IsActive: true })
                {
                    await StopAsync(run, StopReasonOf(task));
                }

                return;
            case TaskState.Paused or TaskState.Blocked or TaskState.AwaitingApproval:
                if (run is { IsActive: true })
                {
                    await ParkAsync(run, task);
                }

                return;
        }

        var agent = await WorkingAgent.FindAsync(context, task.CompanyId, agentId);
        if (agent is null)
        {
            return;
        }

        run = await EnsureRunAsync(work, task, run, agent);
        if (task.Status == TaskState.Queued)
        {
            if (task.ScheduledAt is { } at && at > context.Now)
            {
                await context.RegisterReminderAsync(StartReminder, ReminderSchedule.Every(TimeSpan.FromHours(1), at - context.Now));
                await WaitAsync(run, RunWaits.Schedule);
                return;
            }

            if (agent.Status != AgentStatus.Active)
            {
                // Activating the agent wakes this runner at once; the check every minute is a safety net.
                await context.RegisterReminderAsync(StartReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1)));
                await WaitAsync(run, RunWaits.AgentInactive);
                return;
            }

            if (await AgentSlots.MayStartAsync(context, task.CompanyId, agent.Id, task.Id) is not { } limits)
            {
                await WaitForSlotAsync(run);
                return;
            }

            // The start is made, then confirmed under the agent's start gate, and the turn ends: the gate's lock is
            // held for the confirmation and the commit only, not for the start's own statements, while the agent's
            // other runners wait for it. The task's own signal that it is running continues the loop in the next turn.
            await context.SavepointAsync(StartSavepoint);
            if (run.Status == TaskRunStatus.Waiting)
            {
                await context.UnregisterReminderAsync(StartReminder);
            }

            await TaskOf(task).CallAsync(g => g.StartAsync(new TaskTransitionCommand(task.CompanyId)));
            await StartAttemptClockAsync(run, limits.AttemptTimeout);
            await run.SaveAsync(context);
            if (!await AgentSlots.ConfirmStartAsync(context, task.CompanyId, agent.Id, task.Id))
            {
                // Another runner of the agent took the last slot meanwhile: the start is undone, and the run waits.
                await context.RollbackToSavepointAsync(StartSavepoint);
                await WaitForSlotAsync(await RunState.FindAsync(context, Id) ?? throw new InvalidOperationException($"The run of task {Id} is gone."));
            }

            return;
        }

        if (run.Status == TaskRunStatus.Calling)
        {
            await run.SaveAsync(context); // the answer of the call in flight continues the loop
            return;
        }

        await AdvanceAsync(work, run, task);
    }

    /// <summary>The run for the task's assignee: the current one, or a fresh attempt after a stop or a reassignment.</summary>
    private async Task<RunState> EnsureRunAsync(AgentWork work, TaskDto task, RunState? run, WorkingAgent agent)
    {
        if (run is { IsActive: true } && run.AgentId == agent.Id)
        {
            return run;
        }

        if (run is { ActivityId: { } inFlight })
        {
            await LetGoOfCallAsync(inFlight);
        }

        if (run is { IsActive: true } && run.AgentId != agent.Id)
        {
            await AgentSlots.WakeAsync(context, task.CompanyId, run.AgentId, $"task #{task.Id} was reassigned");
        }

        var fresh = new RunState
        {
            TaskId = task.Id,
            CompanyId = task.CompanyId,
            AgentId = agent.Id,
            Attempt = (run?.Attempt ?? 0) + 1,
            Model = string.IsNullOrWhiteSpace(agent.Model) ? work.Models.DefaultModel : agent.Model,
            StartedAt = context.Now,
        };
        Log.RunStarted(logger, task.Id, agent.Id, fresh.Attempt);
        return fresh;
    }

    /// <summary>Runs the pending tool calls, then takes the next step: complete after the subtasks, or call the model.</summary>
    private async Task AdvanceAsync(AgentWork work, RunState run, TaskDto task)
    {
        var agent = await WorkingAgent.FindAsync(context, task.CompanyId, run.AgentId)
            ?? throw new NotFoundException("Agent", run.AgentId);
        var org = await OrgSnapshot.LoadAsync(context, task.CompanyId);
        var subordinates = await AgentBriefing.SubordinatesAsync(context, org, task.CompanyId, agent.Id);
        List<ToolDefinition> tools = [.. WorkTools.For(canDelegate: subordinates.Count > 0), .. Governed?.For(agent.AllowedTools).Select(t => t.Definition) ?? []];
        foreach (var source in Sources)
        {
            tools.AddRange(await source.OfferedAsync(context, task.CompanyId, agent.Id));
        }

        if (run.UnansweredCalls().Count > 0)
        {
            (task, var toolInFlight) = await RunToolCallsAsync(work, run, task, agent, tools);
            if (toolInFlight)
            {
                await run.SaveAsync(context); // its answer continues the loop
                return;
            }
        }

        if (task.Status != TaskState.Running)
        {
            await SettleAsync(run, task);
            return;
        }

        if (run.PendingResult is not null)
        {
            // complete_task was called with subtasks open: it takes effect once they are finished.
            if (task.Subtasks.Open > 0)
            {
                await WaitAsync(run, RunWaits.Subtasks);
                await AgentSlots.WakeAsync(context, task.CompanyId, run.AgentId, $"task #{task.Id} waits for its subtasks");
                return;
            }

            await CompleteAfterSubtasksAsync(run, task);
            return;
        }

        run.WaitingFor = null;

        if (run.Step >= work.Options.MaxSteps)
        {
            await FailTaskAsync(run, task, $"Step limit reached: {run.Step} model calls in attempt {run.Attempt} without finishing (limit {work.Options.MaxSteps}, set by '{WorkOptions.Section}:MaxSteps').");
            return;
        }

        if (task.DeadlineAt is { } deadline && deadline <= context.Now)
        {
            await FailTaskAsync(run, task, $"Deadline reached: the task was due at {deadline.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC and is not finished.");
            return;
        }

        if (!work.Models.IsAllowed(run.Model))
        {
            await FailTaskAsync(run, task, $"Model '{run.Model}' is not allowed (allowed: {string.Join(", ", work.Models.Allowed)}). Change the agent's model, then retry the task.");
            return;
        }

        if (!work.Pricing.TryGet(run.Model, out var price))
        {
            await FailTaskAsync(run, task, $"Model '{run.Model}' has no price, so its budget cannot be checked: set '{ModelPricing.PriceKey(run.Model)}', then retry the task.");
            return;
        }

        if (run.Conversation.Count == 0)
        {
            if (MemoryBriefing.Search(MemoryOptions, org, agent.Id, task, run.Attempt, context.Now) is { } search)
            {
                await SearchMemoryAsync(run, search); // the briefing is written when the search's hits come back
                return;
            }

            var briefing = await AgentBriefing.WriteAsync(context, agent, task, run.Attempt, work.Options.RecentWorklog,
                await MemoryBriefing.CompleteAsync(context, MemoryOptions, org, agent.Id, task, run.Attempt, found: null));
            run.Conversation.AddRange(briefing.Messages);
        }

        await DeliverAnswersAsync(run);
        await NoteDecisionsAsync(run);
        run.Conversation.AddRange(run.Notes);
        run.Notes.Clear();

        var request = new ChatRequest
        {
            Messages = run.Conversation,
            Tools = tools,
            MaxOutputTokens = work.Options.MaxOutputTokens,
            Seed = task.Id,
        };
        var estimate = TokenEstimator.EstimateReservation(request);
        var reserved = new Usage((int)Math.Ceiling(estimate.InputTokens * Math.Max(1.0, work.Options.InputReserveFactor)), estimate.OutputTokens);
        var reservedCost = price.Cost(reserved);
        var activityId = Guid.CreateVersion7(context.Now);
        var verdict = await Budget.ReserveAsync(context, task.CompanyId, agent.Id, task.Id, agent.Name, activityId, reserved.TotalTokens, reservedCost);
        if (!verdict.Allowed)
        {
            await BlockForBudgetAsync(work, run, task, agent, verdict);
            return;
        }

        var timeout = work.Options.CallTimeout;
        if (task.DeadlineAt is { } due && due - context.Now < timeout)
        {
            timeout = TimeSpan.FromSeconds(Math.Max(1, (due - context.Now).TotalSeconds));
        }

        run.Step++;
        await context.ScheduleActivityAsync(
            ModelCallActivity.ActivityKind,
            new ModelCallInput(task.CompanyId, task.Id, agent.Id, run.Attempt, run.Step, run.Model, request, work.Options.MaxArtifactBytes),
            new ActivityOptions { MaxAttempts = Math.Max(1, work.Options.CallAttempts), Timeout = timeout, Backoff = TimeSpan.FromSeconds(1) },
            activityId);
        run.Status = TaskRunStatus.Calling;
        run.ActivityId = activityId;
        await context.PublishAsync(Streams.Task(task.Id), WorkEventTypes.StepStarted,
            new StepStartedEvent(task.Id, agent.Id, run.Attempt, run.Step, activityId, run.Model, reserved.TotalTokens, reservedCost), task.CompanyId);
        await run.SaveAsync(context);
    }

    /// <summary>
    /// Answers every tool call of the last model answer, in order. A call already recorded (a replayed
    /// step) gets its recorded result; each new one runs in a savepoint, so a refused command leaves
    /// nothing behind but its answer. Once a call parks the task, the calls after it are skipped. A
    /// governed tool (knowledge, SQL, web) is slow work: it starts as an activity, and the loop stops
    /// there until its answer arrives (true in the result).
    /// </summary>
    private async Task<(TaskDto Task, bool ToolInFlight)> RunToolCallsAsync(AgentWork work, RunState run, TaskDto task, WorkingAgent agent, IReadOnlyList<ToolDefinition> tools)
    {
        var toolBox = new ToolBox(context, logger);
        var offered = tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var call in run.UnansweredCalls())
        {
            var stepKey = StepKey(run, call);
            var recorded = await context.Sql(WorkSql.ToolCallByStep).With("task_id", task.Id).With("step_key", stepKey).FirstOrDefaultAsync(WorkRows.MapToolCall);
            if (recorded is not null)
            {
                run.Conversation.Add(ChatMessage.Tool(call.CallId, recorded.Result));
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            ToolResult result;
            if (task.Status != TaskState.Running || run.PendingResult is not null)
            {
                result = new ToolResult(ToolOutcome.Skipped, $"skipped: not run, because the task is {(task.Status == TaskState.Running ? "waiting for its subtasks" : task.Status.ToDb())} now. Call it again once the task goes on, if it is still needed.");
            }
            else if (Governed?.Find(call.Name) is null && Sources.FirstOrDefault(s => s.Owns(call.Name)) is { } source)
            {
                var gate = await GateAsync(work, source, run, task, agent, call, stepKey);
                if (gate.Parked)
                {
                    return (await TaskRows.LoadAsync(context, task.CompanyId, task.Id), false); // the call waits for the CEO, and the calls after it with it
                }

                if (gate.Answer is { } answer)
                {
                    result = answer;
                }
                else
                {
                    var activityId = Guid.CreateVersion7(context.Now);
                    await context.ScheduleActivityAsync(
                        AgentToolActivity.ActivityKind,
                        new AgentToolCall(call.Name, new ToolInvocation(task.CompanyId, agent.Id, task.Id, call.ArgumentsJson, stepKey)),
                        new ActivityOptions { MaxAttempts = 3, Timeout = work.Options.ToolTimeout, Backoff = TimeSpan.FromSeconds(1) },
                        activityId);
                    run.Status = TaskRunStatus.Calling;
                    run.ActivityId = activityId;
                    return (task, true);
                }
            }
            else if (offered.Contains(call.Name) && Governed?.Find(call.Name) is not null)
            {
                var activityId = Guid.CreateVersion7(context.Now);
                await context.ScheduleActivityAsync(
                    AgentToolActivity.ActivityKind,
                    new AgentToolCall(call.Name, new ToolInvocation(task.CompanyId, agent.Id, task.Id, call.ArgumentsJson, stepKey)),
                    new ActivityOptions { MaxAttempts = 2, Timeout = work.Options.ToolTimeout, Backoff = TimeSpan.FromSeconds(1) },
                    activityId);
                run.Status = TaskRunStatus.Calling;
                run.ActivityId = activityId;
                return (task, true);
            }
            else
            {
                result = await RunInSavepointAsync(toolBox, new ToolScope(run, task, agent, call, stepKey, offered, work.Options));
                task = await TaskRows.LoadAsync(context, task.CompanyId, task.Id);
            }

            await RecordToolCallAsync(run, task, call, stepKey, result, Stopwatch.GetElapsedTime(started));
            run.Conversation.Add(ChatMessage.Tool(call.CallId, result.Result));
        }

        run.Artifacts.Clear();
        return (task, false);
    }

    /// <summary>What the gate of a per-agent tool decided: answer now (denied, rejected), wait for the CEO, or run.</summary>
    private sealed record GateOutcome(ToolResult? Answer, bool Parked);

    /// <summary>
    /// The server's rules for a call of a per-agent (MCP) tool, whatever the model was told: an ungranted
    /// tool is denied and the denial published as policy.denied; a call whose class the company's
    /// approval_required rules name (external_action, tool_write) waits, with the task blocked, for the
    /// CEO's decision on an approval that shows the tool, its arguments and the task. Approved, it runs;
    /// rejected or expired, the agent reads why. The approval is keyed by the call's step, so a replay
    /// finds the same decision.
    /// </summary>
    private async Task<GateOutcome> GateAsync(AgentWork work, IAgentToolSource source, RunState run, TaskDto task, WorkingAgent agent, FunctionCallContent call, string stepKey)
    {
        var gate = await source.CheckAsync(context, task.CompanyId, agent.Id, call.Name);
        if (!gate.Granted)
        {
            await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = task.CompanyId,
                Action = "mcp.call",
                Rule = gate.Rule!,
                Reason = gate.Reason!,
                Actor = Actor.AgentName(agent.Id),
                FromAgentId = agent.Id,
                TaskId = task.Id,
            });
            return new GateOutcome(ToolResult.Denied($"{gate.Reason} (rule {gate.Rule}).") with { Refs = new { rule = gate.Rule, tool = call.Name } }, false);
        }

        if (!call.TryParseArguments(out var arguments))
        {
            return new GateOutcome(ToolResult.Error("the arguments are not a JSON object."), false);
        }

        ApprovalAction? action = gate.Class switch
        {
            ToolClass.External => ApprovalAction.ExternalAction,
            ToolClass.Write => ApprovalAction.ToolWrite,
            _ => null,
        };
        if (action is null)
        {
            return new GateOutcome(null, false);
        }

        var approval = await context.Sql(WorkSql.ApprovalByStep).With("task_id", task.Id).With("step_key", stepKey).FirstOrDefaultAsync(WorkRows.MapApproval);
        if (approval is null)
        {
            var rule = await context.Join<IHierarchyPolicyGrain>(task.CompanyId).ReadAsync(g => g.RequiresApprovalAsync(new ApprovalQuestion(task.CompanyId, action.Value)));
            if (!rule.Required)
            {
                return new GateOutcome(null, false);
            }

            var className = gate.Class.ToString().ToLowerInvariant();
            approval = await ApprovalRows.OpenAsync(context, new ApprovalDraft(
                task.CompanyId, task.Id, agent.Id, gate.Class == ToolClass.External ? ApprovalKind.External : ApprovalKind.Other,
                $"Call {gate.Server}/{gate.ServerTool} ({className})",
                $"{agent.Name} calls the {className} tool {gate.ServerTool} of {gate.Server} for task #{task.Id} '{task.Title}'. Rule {rule.Rule}: {rule.Reason}",
                stepKey,
                Tool: new ApprovalToolCall(call.Name, gate.Server, gate.ServerTool, className, arguments)), work.Options.ApprovalTimeToLive);
        }

        switch (approval.Status)
        {
            case ApprovalStatus.Approved:
                return new GateOutcome(null, false);
            case ApprovalStatus.Pending:
                await TaskOf(task).CallAsync(g => g.BlockAsync(new TaskTransitionCommand(task.CompanyId, Reason: AgentBriefing.Clip(
                    $"Waiting for the CEO's decision on approval #{approval.Id}: {approval.Action}.", 2000))));
                run.WaitingFor = RunWaits.Approval;
                return new GateOutcome(null, true);
            default:
                var comment = string.IsNullOrWhiteSpace(approval.Comment) ? "no reason given" : approval.Comment.Trim();
                var verb = approval.Status == ApprovalStatus.Expired ? "expired unanswered" : $"was rejected by {Who(approval.DecidedBy)}";
                return new GateOutcome(ToolResult.Denied($"approval #{approval.Id} for this call {verb}: {comment}.")
                    with { Refs = new { approvalId = approval.Id, status = approval.Status.ToDb() } }, false);
        }
    }

    private static string StepKey(RunState run, FunctionCallContent call) => AgentBriefing.Clip($"{run.Attempt}:{run.Step}:{call.CallId}", 200);

    private async Task<ToolResult> RunInSavepointAsync(ToolBox toolBox, ToolScope scope)
    {
        await context.SavepointAsync(ToolSavepoint);
        try
        {
            var result = await toolBox.RunAsync(scope);
            await context.ReleaseSavepointAsync(ToolSavepoint);
            return result;
        }
        catch (DomainException ex)
        {
            await context.RollbackToSavepointAsync(ToolSavepoint);
            return ex is PolicyDeniedException denied ? ToolResult.Denied($"{denied.Message} (rule {denied.Rule}).") : ToolResult.Error(ex.Message);
        }
        catch (PostgresException ex) when (!TransientFailure(ex))
        {
            await context.RollbackToSavepointAsync(ToolSavepoint);
            Log.ToolFailed(logger, scope.Task.Id, scope.Call.Name, ex.Message);
            return ToolResult.Error($"the {scope.Call.Name} call could not be carried out ({ex.SqlState}).");
        }
    }

    /// <summary>Deadlocks, serialisation failures and lock timeouts retry the whole turn.</summary>
    private static bool TransientFailure(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.InFailedSqlTransaction;

    private async Task RecordToolCallAsync(RunState run, TaskDto task, FunctionCallContent call, string stepKey, ToolResult result, TimeSpan duration)
    {
        var arguments = call.TryParseArguments(out var parsed) ? parsed.GetRawText() : JsonSerializer.Serialize(new { raw = call.ArgumentsJson, error = call.Exception?.Message });
        var row = await context.Sql(WorkSql.InsertToolCall)
            .With("company_id", task.CompanyId)
            .With("task_id", task.Id)
            .With("agent_id", run.AgentId)
            .With("attempt", run.Attempt)
            .With("step", run.Step)
            .With("tool_call_id", AgentBriefing.Clip(call.CallId, 200))
            .With("step_key", stepKey)
            .With("tool", AgentBriefing.Clip(call.Name, 100))
            .WithJsonText("arguments", arguments)
            .With("allowed", result.Outcome != ToolOutcome.Denied)
            .With<ToolOutcome>("outcome", result.Outcome)
            .With("reason", result.Reason)
            .With("result", result.Result)
            .WithJsonText("refs", result.Refs is null ? null : JsonSerializer.Serialize(result.Refs, result.Refs.GetType(), RuntimeJson.Options))
            .With("duration_ms", (long)duration.TotalMilliseconds)
            .With("now", context.Now)
            .FirstOrDefaultAsync(WorkRows.MapToolCall);
        await context.PublishAsync(Streams.Task(task.Id), WorkEventTypes.ToolCall, row!, task.CompanyId);
    }

    private async Task RecordCallAsync(AgentWork work, Guid activityId, long companyId, long agentId, int attempt, int step, string model,
        ChatResponse? response, TimeSpan duration, string? error, Budget.ReservationRow? reservation)
    {
        var usage = response?.TokenUsage ?? default;
        var cost = response is not null && work.Pricing.TryGet(model, out var price) ? price.Cost(usage) : 0m;
        var call = await context.Sql(WorkSql.InsertLlmCall)
            .With("company_id", companyId)
            .With("task_id", Id)
            .With("agent_id", agentId)
            .With("attempt", attempt)
            .With("step", step)
            .WithGuid("activity_id", activityId)
            .With("model", AgentBriefing.Clip(model, 200))
            .With("input_tokens", usage.InputTokens)
            .With("output_tokens", usage.OutputTokens)
            .With("cost", cost)
            .With("duration_ms", (long)duration.TotalMilliseconds)
            .With("finish_reason", response?.FinishReasonText)
            .With("tool_calls", response?.ToolCalls.Count ?? 0)
            .With("succeeded", response is not null)
            .With("error", error is null ? null : AgentBriefing.Clip(error, 2000))
            .With("reserved_tokens", reservation?.Tokens ?? 0)
            .With("reserved_cost", reservation?.Cost ?? 0m)
            .With("now", context.Now)
            .FirstOrDefaultAsync(WorkRows.MapLlmCall);
        if (call is null)
        {
            return; // recorded already, or the agent is gone
        }

        if (call.TotalTokens > 0 || call.Cost > 0)
        {
            // The task adds it up in a turn of its own.
            await context.PostAsync<ITaskGrain>(context.Key, new RecordUsageCommand(companyId, call.TotalTokens, call.Cost));
        }

        await context.PublishAsync(Streams.Task(Id), WorkEventTypes.LlmCall, call, companyId);
    }

    /// <summary>The call would break a budget: it is not made; the task blocks with the reason and asks for a raise.</summary>
    private async Task BlockForBudgetAsync(AgentWork work, RunState run, TaskDto task, WorkingAgent agent, Budget.Verdict verdict)
    {
        var limit = verdict.Limit!.Value;
        var label = limit switch
        {
            BudgetLimit.AgentTokensPerDay => $"{agent.Name}'s daily token limit",
            BudgetLimit.AgentTokensPerMonth => $"{agent.Name}'s monthly token limit",
            BudgetLimit.AgentMaxCost => $"{agent.Name}'s cost limit",
            BudgetLimit.CompanyMonthlyTokens => "the company's monthly token limit",
            _ => "the company's monthly budget",
        };
        var approval = await ApprovalRows.OpenAsync(context, new ApprovalDraft(
            task.CompanyId, task.Id, agent.Id, ApprovalKind.BudgetRaise,
            $"Raise {label} from {Figure(verdict.LimitValue)} to {Figure(verdict.ProposedLimit)}",
            verdict.Reason!,
            $"budget:{run.Attempt}:{run.Step + 1}:{limit.ToDb()}",
            Limit: limit,
            CurrentLimit: verdict.LimitValue,
            ProposedLimit: verdict.ProposedLimit), work.Options.ApprovalTimeToLive);
        var exceeded = new BudgetExceededEvent(task.Id, agent.Id, limit, verdict.LimitValue, verdict.Used, verdict.Reserved, verdict.Needed, approval.Id, verdict.Reason!);
        await context.PublishAsync(Streams.Task(task.Id), WorkEventTypes.BudgetExceeded, exceeded, task.CompanyId);
        await context.PublishAsync(Streams.Agent(agent.Id), WorkEventTypes.BudgetExceeded, exceeded, task.CompanyId);
        var reason = $"{verdict.Reason} Approval #{approval.Id} asks the CEO to raise the limit to {Figure(verdict.ProposedLimit)}.";
        await TaskOf(task).CallAsync(g => g.BlockAsync(new TaskTransitionCommand(task.CompanyId, Reason: AgentBriefing.Clip(reason, 2000))));
        // A blocker goes up the hierarchy: to the manager's inbox, or the CEO's at the top.
        await context.Join<IAgentGrain>(agent.Id).CallAsync(g => g.EscalateAsync(new EscalateCommand(
            task.CompanyId, AgentBriefing.Clip($"Blocked by budget: task #{task.Id} '{task.Title}'", 300), reason, task.Id)));
        Log.BudgetBlocked(logger, task.Id, agent.Id, limit.ToDb());
        run.WaitingFor = RunWaits.Budget;
        await WaitAsync(run, RunWaits.Budget);
    }

    private async Task CompleteAfterSubtasksAsync(RunState run, TaskDto task)
    {
        var subtasks = await context.Sql(WorkSql.SubtaskResults).With("task_id", task.Id).With("company_id", task.CompanyId).ListAsync(r =>
        {
            var outcome = r.GetStringOrNull("result") ?? r.GetStringOrNull("status_reason") ?? "";
            return $"- #{r.Get<long>("id")} {r.Get<string>("title")} ({r.GetStringOrNull("assignee") ?? "unassigned"}): {r.Get<string>("status").Replace('_', ' ')}"
                + (outcome.Length > 0 ? " — " + AgentBriefing.Clip(outcome, 300) : "");
        });
        var result = new StringBuilder(run.PendingResult ?? "Done.");
        if (subtasks.Count > 0)
        {
            result.Append("\n\nSubtasks:\n").AppendJoin('\n', subtasks);
        }

        run.PendingResult = null;
        run.WaitingFor = null;
        var done = await TaskOf(task).CallAsync(g => g.CompleteAsync(new CompleteTaskCommand(task.CompanyId, AgentBriefing.Clip(result.ToString(), 20_000))));
        await StopAsync(run, StopReasonOf(done));
    }

    /// <summary>After the task left "running": stop with it, or wait for it.</summary>
    private async Task SettleAsync(RunState run, TaskDto task)
    {
        if (task.Status is TaskState.Done or TaskState.Failed or TaskState.Cancelled)
        {
            await StopAsync(run, StopReasonOf(task));
        }
        else
        {
            await ParkAsync(run, task);
        }
    }

    private async Task ParkAsync(RunState run, TaskDto task)
    {
        var waitingFor = task.Status switch
        {
            TaskState.Paused => RunWaits.Paused,
            TaskState.AwaitingApproval => RunWaits.Approval,
            TaskState.Blocked when run.WaitingFor is RunWaits.Budget => RunWaits.Budget,
            TaskState.Blocked when run.WaitingFor is RunWaits.Approval => RunWaits.Approval,
            TaskState.Blocked when task.StatusReason?.StartsWith("Waiting for an answer", StringComparison.Ordinal) == true => RunWaits.Clarification,
            TaskState.Blocked => RunWaits.Blocked,
            _ => run.WaitingFor,
        };
        await WaitAsync(run, waitingFor);
        await AgentSlots.WakeAsync(context, run.CompanyId, run.AgentId, $"task #{task.Id} is {task.Status.ToDb()}");
    }

    /// <summary>Waits for a slot of the agent: one freed by another of its tasks wakes this runner; the check every minute is a safety net.</summary>
    private async Task WaitForSlotAsync(RunState run)
    {
        await context.RegisterReminderAsync(StartReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1)));
        await WaitAsync(run, AgentSlots.WaitingForSlot);
    }

    private async Task WaitAsync(RunState run, string? waitingFor)
    {
        var changed = run.Status != TaskRunStatus.Waiting || run.WaitingFor != waitingFor;
        run.WaitingFor = waitingFor;
        if (run.ActivityId is null)
        {
            run.Status = TaskRunStatus.Waiting;
        }

        await run.SaveAsync(context);
        if (changed)
        {
            await context.PublishAsync(Streams.Task(run.TaskId), WorkEventTypes.RunWaiting, run.ToDto(), run.CompanyId);
        }
    }

    private async Task StopAsync(RunState run, string reason)
    {
        if (run.ActivityId is { } inFlight)
        {
            await LetGoOfCallAsync(inFlight);
            run.ActivityId = null;
        }

        await context.UnregisterReminderAsync(StartReminder);
        await context.UnregisterReminderAsync(AttemptTimeoutReminder);
        if (run.Status != TaskRunStatus.Stopped)
        {
            await Episodes.WriteAsync(context, await TaskRows.LoadAsync(context, run.CompanyId, run.TaskId), run.AgentId, run.Attempt);
        }

        run.Status = TaskRunStatus.Stopped;
        run.StopReason = AgentBriefing.Clip(reason, 2000);
        run.WaitingFor = null;
        run.PendingResult = null;
        await run.SaveAsync(context);
        await context.PublishAsync(Streams.Task(run.TaskId), WorkEventTypes.RunStopped, run.ToDto(), run.CompanyId);
        Log.RunStopped(logger, run.TaskId, run.Attempt, run.Step, run.StopReason);
        await AgentSlots.WakeAsync(context, run.CompanyId, run.AgentId, $"task #{run.TaskId} stopped");
    }

    /// <summary>
    /// The task just started (or started again after a pause, a block or an approval): the attempt's clock
    /// starts now, and with the agent's attempt timeout set, a reminder fails a run that outlasts it.
    /// </summary>
    private async Task StartAttemptClockAsync(RunState run, TimeSpan? attemptTimeout)
    {
        run.StartedAt = context.Now;
        if (attemptTimeout is { } timeout)
        {
            await context.RegisterReminderAsync(AttemptTimeoutReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1), timeout));
        }
    }

    /// <summary>
    /// The attempt timeout's reminder: a task still running past the agent's timeout fails with the reason
    /// (a failed task follows the usual rules: the CEO may retry it while attempts are left). A parked
    /// task is left alone; its clock starts again when it next starts.
    /// </summary>
    private async Task OnAttemptTimeoutAsync()
    {
        var run = await RunState.FindAsync(context, Id);
        var task = run is { IsActive: true } ? await TaskRows.FindAsync(context, run.CompanyId, Id) : null;
        var limits = task is { Status: TaskState.Running } ? await AgentSlots.LimitsAsync(context, run!.CompanyId, run.AgentId) : null;
        if (limits?.AttemptTimeout is not { } timeout)
        {
            await context.UnregisterReminderAsync(AttemptTimeoutReminder);
            return;
        }

        var remaining = run!.StartedAt + timeout - context.Now;
        if (remaining > TimeSpan.Zero)
        {
            await context.RegisterReminderAsync(AttemptTimeoutReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1), remaining));
            return;
        }

        await context.UnregisterReminderAsync(AttemptTimeoutReminder);
        var seconds = (long)timeout.TotalSeconds;
        await FailTaskAsync(run, task!, $"Attempt {run.Attempt} timed out: it ran longer than the agent's attempt timeout of {seconds} s "
            + $"(started {run.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC; profile.limits.attemptTimeoutSeconds).");
    }

    /// <summary>
    /// Cancels a call in flight: its worker stops at the next heartbeat and reports nothing, so its
    /// reservation is released now. A call that already ended keeps its reservation until its outcome,
    /// queued behind this turn, settles it.
    /// </summary>
    private async Task LetGoOfCallAsync(Guid activityId)
    {
        if (await context.CancelActivityAsync(activityId))
        {
            await Budget.ReleaseAsync(context, activityId);
        }
    }

    private async Task FailTaskAsync(RunState run, TaskDto task, string reason)
    {
        if (TaskStateMachine.CanApply(task.Status, TaskAction.Fail))
        {
            task = await TaskOf(task).CallAsync(g => g.FailAsync(new TaskTransitionCommand(task.CompanyId, Reason: AgentBriefing.Clip(reason, 2000))));
        }

        await StopAsync(run, reason);
    }

    /// <summary>Moves answered questions into the notes the model reads next; returns how many.</summary>
    private async Task<int> DeliverAnswersAsync(RunState run)
    {
        var answers = await context.Sql(WorkSql.DeliverAnswers).With("task_id", run.TaskId).ListAsync(r =>
            $"Answer to your question #{r.Get<long>("id")} (\"{AgentBriefing.Clip(r.Get<string>("question"), 300)}\") from {Who(r.GetStringOrNull("answered_by"))}: {r.Get<string>("answer")}");
        run.Notes.AddRange(answers.Select(ChatMessage.User));
        return answers.Count;
    }

    /// <summary>The task was approved or rejected on its own command: the pending request records the decision too.</summary>
    private async Task SettlePendingApprovalAsync(TaskDto task, bool approved, string? comment)
    {
        var pending = await context.Sql(WorkSql.PendingApprovalOfTask).With("task_id", task.Id).FirstOrDefaultAsync(WorkRows.MapApproval);
        if (pending is not null)
        {
            await context.Join<IApprovalGrain>(pending.Id).CallAsync(g => g.SettleAsync(new SettleApprovalCommand(task.CompanyId, approved, comment)));
        }
    }

    /// <summary>Tells the agent how its requests were decided (it reads this before its next call), each decision once.</summary>
    private async Task NoteDecisionsAsync(RunState run)
    {
        var decided = await context.Sql(WorkSql.DecisionsToNote).With("task_id", run.TaskId).With("after", run.NotedApprovalId).ListAsync(WorkRows.MapApproval);
        foreach (var approval in decided)
        {
            if (approval.Tool is not null)
            {
                run.NotedApprovalId = approval.Id; // its decision is the answer of the call it held
                continue;
            }

            var comment = string.IsNullOrWhiteSpace(approval.Comment) ? "" : $" Comment: {approval.Comment.Trim()}";
            run.Notes.Add(ChatMessage.User($"Decision on approval #{approval.Id} ({approval.Action}): {approval.Status.ToDb()} by {Who(approval.DecidedBy)}.{comment}"));
            run.NotedApprovalId = approval.Id;
        }
    }

    private IJoinedGrain<ITaskGrain> TaskOf(TaskDto task) => context.Join<ITaskGrain>(task.Id);

    private static string StopReasonOf(TaskDto task) => task.StatusReason is { Length: > 0 } reason
        ? $"The task is {task.Status.ToDb()}: {reason}"
        : $"The task is {task.Status.ToDb()}.";

    private static string Who(string? actor)
    {
        var parsed = Actor.Parse(actor);
        return parsed.Kind switch
        {
            "human" => "the CEO",
            "agent" => $"agent {parsed.Id}",
            _ => parsed.Kind,
        };
    }

    private static string Figure(decimal value) => value == Math.Floor(value)
        ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : value.ToString("#,0.00####", CultureInfo.InvariantCulture);
}
