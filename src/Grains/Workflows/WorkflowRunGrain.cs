using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Work;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Json.Schema;

namespace FluidManager.Grains.Workflows;

/// <summary>
/// One run of a workflow template (key = run id), its state in <c>workflow_runs</c> and <c>workflow_run_steps</c>.
/// Each step attempt is a task of the step's agent, created through the ordinary task path (its agent's rights,
/// hierarchy and budgets apply). The task tells the run when it ends (<see cref="WorkflowStepSettled"/>, an outbox
/// message in the task's turn); a reminder wakes the run when a backoff or a timeout is due. Every change publishes an event
/// on the run's stream.
/// </summary>
[GrainType("workflow-run")]
public sealed class WorkflowRunGrain(ITurnContext context)
    : DurableGrain, IWorkflowRunGrain, IHandle<WorkflowStepSettled>, IReminderTarget
{
    private const string CreateSavepoint = "workflow_step_task";

    /// <summary>The reminder that wakes the run when a step's backoff or timeout is due.</summary>
    private const string DueReminder = "steps-due";

    /// <summary>A result that does not match the output schema is asked for again at least this many times.</summary>
    public const int SchemaRetries = 1;

    private (long Version, WorkflowDefinition Definition)? _definition;

    /// <summary>Whether this activation may have left the reminder set (true until a turn finds nothing due).</summary>
    private bool _armed = true;

    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Workflow run");

    private sealed record Run(RunRow Row, List<StepRow> Steps, WorkflowDefinition Definition)
    {
        public StepRow Step(string key) => Steps.FirstOrDefault(s => s.Key == key) ?? throw new NotFoundException($"Step '{key}' of workflow run", Row.Id);
    }

    public async Task<WorkflowRunDto> GetAsync(long companyId) => await ShowAsync(await LoadAsync(companyId));

    public async Task<WorkflowRunDto> BeginAsync(long companyId)
    {
        var run = await LoadAsync(companyId);
        await AdvanceAsync(run);
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task<WorkflowRunDto> PauseAsync(long companyId)
    {
        var run = await LoadAsync(companyId);
        if (run.Row.Status != RunStatus.Running)
        {
            throw new ConflictException($"Workflow run {Id} is {run.Row.Status}: only a running run can be paused.", "workflow_run.not_running");
        }

        run.Row.Status = RunStatus.Paused;
        await WorkflowRunRows.SaveAsync(context, run.Row);
        foreach (var step in run.Steps.Where(s => s.Status == RunStatus.Running && s.TaskId is not null))
        {
            var task = context.Join<ITaskGrain>(step.TaskId!.Value);
            if (TaskStateMachine.CanApply((await task.ReadAsync(g => g.GetAsync(companyId))).Status, TaskAction.Pause))
            {
                await task.CallAsync(g => g.PauseAsync(new TaskTransitionCommand(companyId, Reason: $"Workflow run {Id} was paused.")));
            }
        }

        await PublishAsync(run, WorkflowRunEvents.RunPaused, new { RunId = Id });
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task<WorkflowRunDto> ResumeAsync(long companyId)
    {
        var run = await LoadAsync(companyId);
        if (run.Row.Status != RunStatus.Paused)
        {
            throw new ConflictException($"Workflow run {Id} is {run.Row.Status}: only a paused run can be resumed.", "workflow_run.not_paused");
        }

        run.Row.Status = RunStatus.Running;
        await WorkflowRunRows.SaveAsync(context, run.Row);
        await PublishAsync(run, WorkflowRunEvents.RunResumed, new { RunId = Id });
        foreach (var step in run.Steps.Where(s => s.Status == RunStatus.Running && s.TaskId is not null))
        {
            var task = context.Join<ITaskGrain>(step.TaskId!.Value);
            if ((await task.ReadAsync(g => g.GetAsync(companyId))).Status == TaskState.Paused)
            {
                await task.CallAsync(g => g.ResumeAsync(new TaskTransitionCommand(companyId, Reason: $"Workflow run {Id} was resumed.")));
            }
        }

        await StartDueRetriesAsync(run);
        await AdvanceAsync(run);
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task<WorkflowRunDto> CancelAsync(long companyId, string? reason = null)
    {
        var run = await LoadAsync(companyId);
        if (run.Row.IsOver)
        {
            throw new ConflictException($"Workflow run {Id} is already {run.Row.Status}.", "workflow_run.over");
        }

        var why = string.IsNullOrWhiteSpace(reason) ? $"Workflow run {Id} was cancelled." : reason.Trim();
        await CancelOpenStepsAsync(run, why, except: null);
        await EndAsync(run, RunStatus.Cancelled, why, WorkflowRunEvents.RunCancelled);
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task<WorkflowRunDto> RetryStepAsync(long companyId, string stepKey)
    {
        var run = await LoadAsync(companyId);
        var step = run.Step(stepKey);
        if (step.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            throw new ConflictException($"Step '{stepKey}' is {step.Status}: only a failed or cancelled step can be retried.", "workflow_run.step_not_retryable");
        }

        await ReopenAsync(run);
        await NextAttemptAsync(run, step, TimeSpan.Zero);
        await AdvanceAsync(run);
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task<WorkflowRunDto> SkipStepAsync(long companyId, string stepKey, JsonElement? result)
    {
        var run = await LoadAsync(companyId);
        var step = run.Step(stepKey);
        if (step.Status is RunStatus.Completed or RunStatus.Skipped)
        {
            throw new ConflictException($"Step '{stepKey}' is already {step.Status}.", "workflow_run.step_settled");
        }

        var given = result is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value ? JsonNode.Parse(value.GetRawText()) : null;
        var definition = run.Definition.Step(stepKey);
        if (given is not null && definition.OutputSchema is { } schema && SchemaProblem(schema, given) is { } problem)
        {
            throw new ValidationException("result", $"does not match the step's output schema: {problem}");
        }

        await ReopenAsync(run);
        await CancelTaskAsync(run, step, $"Step '{stepKey}' of workflow run {Id} was skipped.");
        step.Status = RunStatus.Skipped;
        step.Result = given;
        step.Error = null;
        step.RetryAt = null;
        step.FinishedAt = context.Now;
        await WorkflowRunRows.SaveAsync(context, Id, step);
        await PublishAsync(run, WorkflowRunEvents.StepSkipped, new { RunId = Id, Step = stepKey, Result = given, Manual = true });
        await AdvanceAsync(run);
        await ArmAsync(run);
        return await ShowAsync(run);
    }

    public async Task HandleAsync(WorkflowStepSettled message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var run = await LoadAsync(message.CompanyId);
        await SettleAsync(run, message);
        await ArmAsync(run);
    }

    private async Task SettleAsync(Run run, WorkflowStepSettled message)
    {
        var step = run.Steps.FirstOrDefault(s => s.Key == message.StepKey);
        if (step is null || step.Status != RunStatus.Running || step.TaskId != message.TaskId || run.Row.IsOver)
        {
            return; // an attempt the run has moved on from (timed out, skipped, cancelled)
        }

        var task = await context.Join<ITaskGrain>(message.TaskId).ReadAsync(g => g.GetAsync(message.CompanyId));
        var definition = run.Definition.Step(step.Key);
        if (message.Status != TaskState.Done)
        {
            var why = task.StatusReason is { Length: > 0 } reason ? reason : $"its task {task.Id} was {message.Status.ToDb()}";
            await AttemptFailedAsync(run, step, $"Attempt {step.Attempt} failed: {why}", schemaMismatch: false);
            return;
        }

        JsonNode? result = JsonValue.Create(task.Result ?? "");
        if (definition.OutputSchema is { } schema)
        {
            result = StructuredOutput.Extract(task.Result);
            var problem = result is null ? "the result is not JSON" : SchemaProblem(schema, result);
            if (problem is not null)
            {
                await AttemptFailedAsync(run, step, $"Attempt {step.Attempt}: the result does not match the output schema: {problem}", schemaMismatch: true);
                return;
            }
        }

        step.Status = RunStatus.Completed;
        step.Result = result;
        step.Error = null;
        step.FinishedAt = context.Now;
        await WorkflowRunRows.SaveAsync(context, Id, step);
        await PublishAsync(run, WorkflowRunEvents.StepCompleted, new { RunId = Id, Step = step.Key, step.Attempt, step.TaskId, Result = result });
        if (definition.IsCompensation && run.Row.Status == RunStatus.Compensating)
        {
            await FinishCompensationAsync(run, step);
            return;
        }

        await AdvanceAsync(run);
    }

    public async Task ReceiveReminderAsync(ReminderTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        var companyId = await context.Sql(WorkflowRunSql.CompanyOfRun).With("id", Id).ScalarAsync<long>();
        if (companyId == 0)
        {
            await context.UnregisterReminderAsync(DueReminder); // the run was deleted with its workflow
            return;
        }

        var run = await LoadAsync(companyId);
        if (run.Row.Status is RunStatus.Running or RunStatus.Compensating)
        {
            foreach (var step in run.Steps.Where(s => s.Status == RunStatus.Running && Deadline(run, s) <= context.Now).ToList())
            {
                if (step.Status != RunStatus.Running || run.Row.IsOver)
                {
                    continue;
                }

                var why = $"Attempt {step.Attempt} timed out after {run.Definition.Step(step.Key).TimeoutMinutes} minute(s).";
                await CancelTaskAsync(run, step, why);
                await AttemptFailedAsync(run, step, why, schemaMismatch: false);
            }

            await StartDueRetriesAsync(run);
            await AdvanceAsync(run);
        }

        await ArmAsync(run);
    }

    // ---- transitions ----

    /// <summary>Settles the steps whose condition is false, starts the ready ones, and completes the run when every step is settled.</summary>
    private async Task AdvanceAsync(Run run)
    {
        if (run.Row.Status != RunStatus.Running)
        {
            return;
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var definition in run.Definition.Steps.Where(s => !s.IsCompensation))
            {
                var step = run.Step(definition.Id);
                if (step.Status != RunStatus.Pending || !definition.Requires.All(r => RunStatus.Unblocks(run.Step(r).Status)))
                {
                    continue;
                }

                if (definition.If is { } condition)
                {
                    bool holds;
                    try
                    {
                        holds = WorkflowCondition.Evaluate(condition, Scope(run));
                    }
                    catch (WorkflowConditionException ex)
                    {
                        step.Attempt = Math.Max(step.Attempt, 1);
                        await FinalFailureAsync(run, step, ex.Message);
                        if (run.Row.Status != RunStatus.Running)
                        {
                            return;
                        }

                        changed = true;
                        continue;
                    }

                    if (!holds)
                    {
                        step.Status = RunStatus.Skipped;
                        step.Error = $"Its condition is false: {condition}";
                        step.FinishedAt = context.Now;
                        await WorkflowRunRows.SaveAsync(context, Id, step);
                        await PublishAsync(run, WorkflowRunEvents.StepSkipped, new { RunId = Id, Step = step.Key, Condition = condition });
                        changed = true;
                        continue;
                    }
                }

                step.Attempt = 0;
                await StartAttemptAsync(run, step);
                if (run.Row.Status != RunStatus.Running)
                {
                    return;
                }

                changed = true;
            }
        }
        while (changed);

        var main = run.Steps.Where(s => !run.Definition.Step(s.Key).IsCompensation).ToList();
        if (main.All(s => RunStatus.IsSettled(s.Status)))
        {
            foreach (var unused in run.Steps.Where(s => s.Status == RunStatus.Pending))
            {
                unused.Status = RunStatus.Skipped;
                unused.Error = "No step needed compensating.";
                unused.FinishedAt = context.Now;
                await WorkflowRunRows.SaveAsync(context, Id, unused);
            }

            var failed = main.Where(s => s.Status == RunStatus.Failed).Select(s => s.Key).ToList();
            await EndAsync(run, RunStatus.Completed, failed.Count == 0 ? null : $"Finished with failed steps: {string.Join(", ", failed)}.", WorkflowRunEvents.RunCompleted);
        }
    }

    /// <summary>Starts attempt <c>step.Attempt + 1</c>: the step's agent gets a task whose title and brief are rendered with what is known now.</summary>
    private async Task StartAttemptAsync(Run run, StepRow step)
    {
        var definition = run.Definition.Step(step.Key);
        step.Attempt++;
        step.Status = RunStatus.Running;
        step.RetryAt = null;
        step.Error = null;
        step.Result = null;
        step.StartedAt = context.Now;
        step.FinishedAt = null;
        var scope = Scope(run);
        var title = AgentBriefing.Clip(WorkflowTemplate.Render(definition.Title, scope).Trim(), 300);
        var brief = WorkflowTemplate.Render(definition.Brief, scope).Trim();
        if (definition.OutputSchemaJson is { } schema)
        {
            brief = (brief.Length > 0 ? brief + "\n\n" : "") + StructuredOutput.Request(schema);
        }

        long agentId;
        TaskDto task;
        await context.SavepointAsync(CreateSavepoint);
        try
        {
            agentId = await ResolveAgentAsync(run, definition.Agent);
            using (CallerContext.As(run.Row.StartedBy))
            {
                task = await TaskCreation.CreateAsync(context, new CreateTaskCommand
                {
                    CompanyId = run.Row.CompanyId,
                    Title = title.Length == 0 ? step.Key : title,
                    Description = AgentBriefing.Cut(brief, 50_000),
                    AssigneeAgentId = agentId,
                    MaxAttempts = 1,
                }, run.Row.StartedBy);
            }

            await context.ReleaseSavepointAsync(CreateSavepoint);
        }
        catch (DomainException ex)
        {
            await context.RollbackToSavepointAsync(CreateSavepoint);
            step.TaskId = null;
            await WorkflowRunRows.SaveAsync(context, Id, step);
            await AttemptFailedAsync(run, step, $"Attempt {step.Attempt} could not start: {ex.Message}", schemaMismatch: false);
            return;
        }

        step.TaskId = task.Id;
        step.AgentId = agentId;
        await context.Sql(WorkflowRunSql.InsertStepTask)
            .With("task_id", task.Id)
            .With("company_id", run.Row.CompanyId)
            .With("run_id", Id)
            .With("step_key", step.Key)
            .With("attempt", step.Attempt)
            .ExecuteAsync();
        await WorkflowRunRows.SaveAsync(context, Id, step);
        await PublishAsync(run, WorkflowRunEvents.StepStarted, new { RunId = Id, Step = step.Key, step.Attempt, TaskId = task.Id, AgentId = agentId, Title = task.Title });
    }

    /// <summary>An attempt failed: another one after the backoff while attempts remain, else the step fails and its policy applies.</summary>
    private async Task AttemptFailedAsync(Run run, StepRow step, string error, bool schemaMismatch)
    {
        var definition = run.Definition.Step(step.Key);
        var retries = Math.Max(definition.Retries.Max, schemaMismatch ? SchemaRetries : 0);
        if (step.Attempt <= retries)
        {
            step.Error = error;
            await NextAttemptAsync(run, step, definition.Retries.DelayBefore(step.Attempt + 1));
            return;
        }

        await FinalFailureAsync(run, step, error);
    }

    /// <summary>Schedules the step's next attempt: now when the run runs and there is no backoff, else when the delay is over.</summary>
    private async Task NextAttemptAsync(Run run, StepRow step, TimeSpan delay)
    {
        step.Status = RunStatus.Waiting;
        step.RetryAt = context.Now + delay;
        step.FinishedAt = null;
        await WorkflowRunRows.SaveAsync(context, Id, step);
        await PublishAsync(run, WorkflowRunEvents.StepRetrying, new { RunId = Id, Step = step.Key, NextAttempt = step.Attempt + 1, step.RetryAt, step.Error });
        if (run.Row.Status is RunStatus.Running or RunStatus.Compensating && delay <= TimeSpan.Zero)
        {
            await StartAttemptAsync(run, step);
        }
    }

    /// <summary>The step has failed for good: <c>continue</c> goes on, <c>fail</c> fails the run, <c>compensate</c> runs the compensation step.</summary>
    private async Task FinalFailureAsync(Run run, StepRow step, string error)
    {
        var definition = run.Definition.Step(step.Key);
        step.Status = RunStatus.Failed;
        step.Error = error;
        step.RetryAt = null;
        step.FinishedAt = context.Now;
        await WorkflowRunRows.SaveAsync(context, Id, step);
        await PublishAsync(run, WorkflowRunEvents.StepFailed, new { RunId = Id, Step = step.Key, step.Attempt, Error = error, OnFailure = definition.OnFailure.ToString().ToLowerInvariant() });
        if (definition.IsCompensation && run.Row.Status == RunStatus.Compensating)
        {
            await FinishCompensationAsync(run, step);
            return;
        }

        switch (definition.OnFailure)
        {
            case StepFailurePolicy.Continue:
                await AdvanceAsync(run);
                break;
            case StepFailurePolicy.Compensate:
                var compensation = run.Step(definition.CompensateWith!);
                await CancelOpenStepsAsync(run, $"Step '{step.Key}' failed; '{compensation.Key}' compensates it.", except: compensation.Key);
                run.Row.Status = RunStatus.Compensating;
                run.Row.Error = $"Step '{step.Key}' failed: {error}";
                await WorkflowRunRows.SaveAsync(context, run.Row);
                await PublishAsync(run, WorkflowRunEvents.RunCompensating, new { RunId = Id, Failed = step.Key, Compensation = compensation.Key });
                compensation.Attempt = 0;
                await StartAttemptAsync(run, compensation);
                break;
            default:
                var why = $"Step '{step.Key}' failed: {error}";
                await CancelOpenStepsAsync(run, why, except: null);
                await EndAsync(run, RunStatus.Failed, why, WorkflowRunEvents.RunFailed);
                break;
        }
    }

    private async Task FinishCompensationAsync(Run run, StepRow compensation)
    {
        var error = $"{run.Row.Error} Compensated by '{compensation.Key}' ({compensation.Status}).";
        await EndAsync(run, RunStatus.Failed, error, WorkflowRunEvents.RunFailed);
    }

    private async Task CancelOpenStepsAsync(Run run, string reason, string? except)
    {
        foreach (var step in run.Steps.Where(s => RunStatus.IsOpen(s.Status) && s.Key != except))
        {
            await CancelTaskAsync(run, step, reason);
            step.Status = RunStatus.Cancelled;
            step.Error = reason;
            step.RetryAt = null;
            step.FinishedAt = context.Now;
            await WorkflowRunRows.SaveAsync(context, Id, step);
            await PublishAsync(run, WorkflowRunEvents.StepCancelled, new { RunId = Id, Step = step.Key, Reason = reason });
        }
    }

    /// <summary>Cancels the step's running task (and its subtasks), when it has one that can still be cancelled.</summary>
    private async Task CancelTaskAsync(Run run, StepRow step, string reason)
    {
        if (step.Status != RunStatus.Running || step.TaskId is not { } taskId)
        {
            return;
        }

        var task = context.Join<ITaskGrain>(taskId);
        if (TaskStateMachine.CanApply((await task.ReadAsync(g => g.GetAsync(run.Row.CompanyId))).Status, TaskAction.Cancel))
        {
            await task.CallAsync(g => g.CancelAsync(new CancelTaskCommand(run.Row.CompanyId, Cascade: true, Reason: reason)));
        }
    }

    /// <summary>A failed or finished run taken up again by hand: it runs, and the steps cancelled with it wait for their turn.</summary>
    private async Task ReopenAsync(Run run)
    {
        if (run.Row.Status == RunStatus.Cancelled)
        {
            throw new ConflictException($"Workflow run {Id} was cancelled: its steps cannot change any more.", "workflow_run.over");
        }

        if (run.Row.Status is not (RunStatus.Failed or RunStatus.Completed))
        {
            return;
        }

        foreach (var step in run.Steps.Where(s => s.Status == RunStatus.Cancelled))
        {
            step.Status = RunStatus.Pending;
            step.Error = null;
            step.FinishedAt = null;
            await WorkflowRunRows.SaveAsync(context, Id, step);
        }

        run.Row.Status = RunStatus.Running;
        run.Row.Error = null;
        run.Row.FinishedAt = null;
        await WorkflowRunRows.SaveAsync(context, run.Row);
        await PublishAsync(run, WorkflowRunEvents.RunResumed, new { RunId = Id, Reopened = true });
    }

    /// <summary>Starts the waiting steps whose backoff is over.</summary>
    private async Task StartDueRetriesAsync(Run run)
    {
        foreach (var step in run.Steps.Where(s => s.Status == RunStatus.Waiting && (s.RetryAt is not { } due || due <= context.Now)).ToList())
        {
            if (step.Status == RunStatus.Waiting && run.Row.Status is RunStatus.Running or RunStatus.Compensating)
            {
                await StartAttemptAsync(run, step);
            }
        }
    }

    /// <summary>Sets the reminder to the next backoff or timeout due, or removes it when nothing is due.</summary>
    private async Task ArmAsync(Run run)
    {
        var next = run.Row.IsOver || run.Row.Status == RunStatus.Paused
            ? null
            : run.Steps.Select(s => s.Status == RunStatus.Waiting ? s.RetryAt : s.Status == RunStatus.Running ? Deadline(run, s) : null)
                .Where(d => d is not null)
                .Min();
        if (next is { } due)
        {
            var dueIn = due > context.Now ? due - context.Now : TimeSpan.Zero;
            await context.RegisterReminderAsync(DueReminder, ReminderSchedule.Every(TimeSpan.FromMinutes(1), dueIn));
        }
        else if (_armed)
        {
            await context.UnregisterReminderAsync(DueReminder);
        }

        _armed = next is not null;
    }

    private static DateTimeOffset? Deadline(Run run, StepRow step) =>
        run.Definition.Step(step.Key).TimeoutMinutes is { } minutes && step.StartedAt is { } started ? started.AddMinutes(minutes) : null;

    private async Task EndAsync(Run run, string status, string? error, string eventType)
    {
        run.Row.Status = status;
        run.Row.Error = error;
        run.Row.FinishedAt = context.Now;
        await WorkflowRunRows.SaveAsync(context, run.Row);
        var shown = await ShowAsync(run);
        await PublishAsync(run, eventType, new { RunId = Id, Status = status, Error = error, shown.Cost });
    }

    // ---- helpers ----

    /// <summary>The agent of a step: the one named by id, else the most senior active agent holding the role or in the department.</summary>
    private async Task<long> ResolveAgentAsync(Run run, StepAgent agent)
    {
        var org = await OrgSnapshot.LoadAsync(context, run.Row.CompanyId);
        if (agent.Id is { } id)
        {
            return org.Agent(id) is { Status: not AgentStatus.Archived } ? id : throw new NotFoundException("Agent", id);
        }

        var candidates = org.Agents
            .Where(a => a.Status != AgentStatus.Archived)
            .Where(a => agent.Role is { } role ? string.Equals(a.Role, role, StringComparison.OrdinalIgnoreCase) : string.Equals(a.Department, agent.Department, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Status == AgentStatus.Active ? 0 : 1)
            .ThenBy(a => org.Ancestors(a.Id).Count())
            .ThenBy(a => a.Id)
            .ToList();
        return candidates.Count > 0
            ? candidates[0].Id
            : throw new ConflictException(agent.Role is { } r ? $"No agent of this company has the role '{r}'." : $"No agent of this company is in the department '{agent.Department}'.", "workflow_run.no_agent");
    }

    private static WorkflowScope Scope(Run run) =>
        new(run.Row.Inputs, run.Steps.Where(s => RunStatus.IsSettled(s.Status)).ToDictionary(s => s.Key, s => s.Outcome, StringComparer.Ordinal));

    /// <summary>Why <paramref name="value"/> does not match <paramref name="schema"/>, or null when it does.</summary>
    internal static string? SchemaProblem(JsonSchema schema, JsonNode? value)
    {
        var element = JsonElement.Parse(value?.ToJsonString() ?? "null");
        var evaluation = schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (evaluation.IsValid)
        {
            return null;
        }

        var problems = (evaluation.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct()
            .Take(3)
            .ToList();
        return problems.Count > 0 ? string.Join("; ", problems) : "it does not match";
    }

    private async Task<Run> LoadAsync(long companyId)
    {
        var row = await WorkflowRunRows.LoadAsync(context, companyId, Id);
        if (_definition is not { } cached || cached.Version != row.WorkflowVersion)
        {
            var errors = new WorkflowErrors();
            var parsed = WorkflowDefinition.Parse(JsonElement.Parse(row.Definition), errors);
            errors.ThrowIfAny("definition.");
            _definition = cached = (row.WorkflowVersion, parsed);
        }

        return new Run(row, await WorkflowRunRows.StepsAsync(context, Id), cached.Definition);
    }

    private Task<WorkflowRunDto> ShowAsync(Run run) => WorkflowRunRows.ShowAsync(context, run.Row, run.Steps, run.Definition);

    private Task PublishAsync(Run run, string type, object payload) =>
        context.PublishAsync(WorkflowRunEvents.Stream(Id), type, payload, run.Row.CompanyId);

    internal static string Key(long runId) => runId.ToString(CultureInfo.InvariantCulture);
}
