using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Schedules;

/// <summary>Creates and lists a company's schedules (key = company id).</summary>
[GrainType("schedules")]
public sealed class SchedulesGrain(ITurnContext context) : DurableGrain, ISchedulesGrain
{
    protected override ITurnContext Turn => context;

    public async Task<ScheduleDto> CreateAsync(CreateScheduleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        ScheduleRules.Validate(command.Name, command.Template, command.Timing);
        await ScheduleRules.EnsureAgentAsync(context, companyId, command.AgentId);
        var workflowInputs = await ScheduleRules.CheckWorkflowAsync(context, companyId, command.WorkflowId, command.WorkflowInputs);
        var id = await context.Sql(ScheduleSql.Insert)
            .With("company_id", companyId)
            .With("name", command.Name.Trim())
            .With("agent_id", command.AgentId)
            .WithJson("template", command.Template)
            .With("interval_minutes", command.Timing.IntervalMinutes)
            .With("cron", command.Timing.Cron)
            .With("time_zone", command.Timing.TimeZone)
            .With<ScheduleStatus>("status", command.Paused ? ScheduleStatus.Paused : ScheduleStatus.Active)
            .With("workflow_id", command.WorkflowId)
            .With("workflow_inputs", workflowInputs)
            .With("now", context.Now)
            .ScalarAsync<long>();
        var schedule = context.Join<IScheduleGrain>(id);
        await schedule.CallAsync(g => g.ActivateAsync(companyId));
        return await schedule.ReadAsync(g => g.GetAsync(companyId));
    }

    public async Task<IReadOnlyList<ScheduleDto>> ListAsync(long companyId)
    {
        await context.EnsureCompanyAsync(companyId);
        return await context.Sql(ScheduleSql.ByCompany).With("company_id", companyId).ListAsync(ScheduleRules.Map);
    }
}

/// <summary>
/// One schedule (key = schedule id): its reminder named "fire" creates a task per firing. A mailbox check first reads
/// the company's new mail in a leased activity, and the task is created from its outcome.
/// </summary>
[GrainType("schedule")]
public sealed class ScheduleGrain(ITurnContext context, IOptions<MailboxCheckOptions> mailbox) : DurableGrain, IScheduleGrain, IReminderTarget, IActivityOwner
{
    protected override ITurnContext Turn => context;

    private const string Reminder = "fire";

    private long Id => context.KeyAsId("Schedule");

    public async Task<ScheduleDto> GetAsync(long companyId) => await LoadAsync(companyId);

    public async Task ActivateAsync(long companyId)
    {
        var schedule = await LoadAsync(companyId);
        if (schedule.Status == ScheduleStatus.Active)
        {
            await context.RegisterReminderAsync(Reminder, ScheduleRules.Validate(schedule.Name, schedule.Template, schedule.Timing));
        }

        await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Created, await LoadAsync(companyId), companyId);
    }

    public async Task<ScheduleDto> UpdateAsync(UpdateScheduleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var before = await LoadAsync(command.CompanyId);
        Guard.Version("Schedule", command.ExpectedVersion, before.Version);
        var reminder = ScheduleRules.Validate(command.Name, command.Template, command.Timing);
        await ScheduleRules.EnsureAgentAsync(context, command.CompanyId, command.AgentId);
        var workflowInputs = await ScheduleRules.CheckWorkflowAsync(context, command.CompanyId, command.WorkflowId, command.WorkflowInputs);
        await context.Sql(ScheduleSql.Update)
            .With("id", Id)
            .With("company_id", command.CompanyId)
            .With("name", command.Name.Trim())
            .With("agent_id", command.AgentId)
            .WithJson("template", command.Template)
            .With("interval_minutes", command.Timing.IntervalMinutes)
            .With("cron", command.Timing.Cron)
            .With("time_zone", command.Timing.TimeZone)
            .With("workflow_id", command.WorkflowId)
            .With("workflow_inputs", workflowInputs)
            .With("now", context.Now)
            .ExecuteAsync();
        if (before.Status == ScheduleStatus.Active)
        {
            await context.RegisterReminderAsync(Reminder, reminder);
        }

        return await PublishAsync(command.CompanyId, ScheduleEvents.Updated);
    }

    public Task<ScheduleDto> PauseAsync(long companyId, long? expectedVersion = null) => SetStatusAsync(companyId, expectedVersion, ScheduleStatus.Paused);

    public Task<ScheduleDto> ResumeAsync(long companyId, long? expectedVersion = null) => SetStatusAsync(companyId, expectedVersion, ScheduleStatus.Active);

    public async Task DeleteAsync(long companyId, long? expectedVersion = null)
    {
        var schedule = await LoadAsync(companyId);
        Guard.Version("Schedule", expectedVersion, schedule.Version);
        await context.UnregisterReminderAsync(Reminder);
        await context.Sql(ScheduleSql.Delete).With("id", Id).With("company_id", companyId).ExecuteAsync();
        await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Deleted, new { Id, companyId }, companyId);
    }

    public async Task<IReadOnlyList<ScheduleRunDto>> ListRunsAsync(long companyId, int limit = 50)
    {
        await LoadAsync(companyId);
        return await context.Sql(ScheduleSql.Runs)
            .With("id", Id)
            .With("company_id", companyId)
            .With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new ScheduleRunDto(
                r.Get<long>("id"), r.Get<long>("schedule_id"), r.Get<DateTimeOffset>("due_at"), r.Get<DateTimeOffset>("fired_at"),
                r.GetOrNull<long>("task_id"), r.GetStringOrNull("task_status") is { } s ? DbEnum.Parse<TaskState>(s) : null,
                r.Get<string>("outcome"), r.GetStringOrNull("reason"), r.GetOrNull<long>("run_id")));
    }

    /// <summary>A firing: one task from the template (or one run of the schedule's workflow), or a recorded skip when the agent cannot take work.</summary>
    public async Task ReceiveReminderAsync(ReminderTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        var schedule = await context.Sql(ScheduleSql.ByIdAnyCompany).With("id", Id).FirstOrDefaultAsync(ScheduleRules.Map);
        if (schedule is null || schedule.Status != ScheduleStatus.Active)
        {
            await context.UnregisterReminderAsync(Reminder); // deleted or paused meanwhile: stop firing
            return;
        }

        if (schedule.WorkflowId is { } workflowId)
        {
            await StartWorkflowAsync(schedule, workflowId, tick);
            return;
        }

        var agentStatus = await context.Sql(ScheduleSql.AgentStatus).With("agent_id", schedule.AgentId).With("company_id", schedule.CompanyId).ScalarAsync<string>();
        if (agentStatus != "active")
        {
            await RecordRunAsync(schedule, tick, taskId: null, "skipped", $"agent {schedule.AgentId} is {agentStatus ?? "gone"}");
            await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Skipped, new { schedule.Id, Reason = $"agent is {agentStatus}" }, schedule.CompanyId);
            return;
        }

        var template = schedule.Template;
        var description = string.IsNullOrWhiteSpace(template.Description) ? $"Created by the schedule \"{schedule.Name}\"." : template.Description;
        if (template.CheckMailbox)
        {
            if (mailbox.Value.Activity is { } kind && await context.Sql(ScheduleSql.HasMailbox).With("company_id", schedule.CompanyId).ScalarAsync<bool>())
            {
                await StartMailboxCheckAsync(schedule, kind, tick);
                return;
            }

            description += "\n\nNo mailbox is configured for this company (PUT /api/email/imap), so this check has no mail to read.";
        }

        var task = await CreateTaskAsync(schedule, description, schedule.AgentId);
        await RecordRunAsync(schedule, tick, task.Id, "created", null);
        await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Fired, new { schedule.Id, TaskId = task.Id, tick.DueAt, tick.FiredAt }, schedule.CompanyId);
    }

    /// <summary>
    /// The outcome of a mailbox check, exactly once: a task listing the new messages, a skip when there were none, or
    /// a failed firing with the check's last error (retries and backoff are the activity's).
    /// </summary>
    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var runs = await context.Sql(ScheduleSql.MailboxRun).With("activity_id", outcome.Id).With("schedule_id", Id)
            .ListAsync(r => (Id: r.Get<long>("id"), CompanyId: r.Get<long>("company_id")));
        if (runs is not [var run])
        {
            return; // the schedule was deleted meanwhile, and its runs with it
        }

        var schedule = await LoadAsync(run.CompanyId);
        var stream = ScheduleEvents.Stream(Id);
        if (!outcome.Succeeded || outcome.ResultAs<MailboxCheckResult>() is not { } result)
        {
            var reason = $"the mailbox check failed after {outcome.Attempts} attempt(s): {outcome.Error}";
            await FinishMailboxRunAsync(run.Id, null, "failed", reason);
            await context.PublishAsync(stream, ScheduleEvents.MailboxCheckFailed, new { schedule.Id, ActivityId = outcome.Id, Reason = reason }, schedule.CompanyId);
            return;
        }

        if (result.Messages.Count == 0)
        {
            await FinishMailboxRunAsync(run.Id, null, "checked", $"no new mail in {result.Folder} of {result.Mailbox}");
            await context.PublishAsync(stream, ScheduleEvents.MailboxChecked, new { schedule.Id, Messages = 0 }, schedule.CompanyId);
            return;
        }

        // The mail is taken: the task is created even when the agent can no longer take it (it then waits unassigned).
        var template = schedule.Template;
        var description = (string.IsNullOrWhiteSpace(template.Description) ? $"Created by the schedule \"{schedule.Name}\"." : template.Description)
            + "\n\n" + MailboxDigest.Describe(result);
        var agentStatus = await context.Sql(ScheduleSql.AgentStatus).With("agent_id", schedule.AgentId).With("company_id", schedule.CompanyId).ScalarAsync<string>();
        if (agentStatus != "active")
        {
            description += $"\n\nThe schedule's agent {schedule.AgentId} is {agentStatus ?? "gone"}, so this task waits unassigned.";
        }

        var task = await CreateTaskAsync(schedule, description, agentStatus == "active" ? schedule.AgentId : null);
        await FinishMailboxRunAsync(run.Id, task.Id, "created", null);
        await context.PublishAsync(stream, ScheduleEvents.Fired, new { schedule.Id, TaskId = task.Id, Messages = result.Messages.Count }, schedule.CompanyId);
    }

    /// <summary>Schedules the check (never read in this turn) and records the firing as started until its outcome comes back.</summary>
    private async Task StartMailboxCheckAsync(ScheduleDto schedule, string kind, ReminderTick tick)
    {
        var options = mailbox.Value;
        var activityId = await context.ScheduleActivityAsync(kind, new MailboxCheckInput(schedule.CompanyId, schedule.Id, tick.DueAt, tick.FiredAt),
            new ActivityOptions { MaxAttempts = options.Attempts, Backoff = options.Backoff, Timeout = options.Timeout });
        await context.Sql(ScheduleSql.InsertMailboxRun)
            .With("company_id", schedule.CompanyId)
            .With("schedule_id", schedule.Id)
            .With("due_at", tick.DueAt)
            .With("fired_at", tick.FiredAt)
            .With("activity_id", activityId)
            .ExecuteAsync();
        await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.CheckingMailbox, new { schedule.Id, ActivityId = activityId, tick.DueAt, tick.FiredAt }, schedule.CompanyId);
    }

    private async Task FinishMailboxRunAsync(long runId, long? taskId, string outcome, string? reason) =>
        await context.Sql(ScheduleSql.FinishMailboxRun).With("id", runId).With("task_id", taskId).With("outcome", outcome).With("reason", reason).ExecuteAsync();

    private async Task<TaskDto> CreateTaskAsync(ScheduleDto schedule, string description, long? assignee)
    {
        var template = schedule.Template;
        return await context.Join<ICompanyGrain>(schedule.CompanyId).CallAsync(g => g.CreateTaskAsync(new CreateTaskCommand
        {
            CompanyId = schedule.CompanyId,
            Title = template.Title,
            Description = description,
            Project = template.Project,
            AssigneeAgentId = assignee,
            Priority = template.Priority,
            MaxAttempts = template.MaxAttempts,
            DeadlineAt = template.DeadlineAfterMinutes is { } minutes ? context.Now.AddMinutes(minutes) : null,
        }));
    }

    /// <summary>
    /// Starts a run of the schedule's workflow with its inputs, in this turn. A workflow whose inputs no longer fit
    /// (changed since) records a failed firing with the reason, which the schedule_failing alert shows.
    /// </summary>
    private async Task StartWorkflowAsync(ScheduleDto schedule, long workflowId, ReminderTick tick)
    {
        WorkflowRunDto run;
        try
        {
            run = await context.Join<IWorkflowGrain>(workflowId)
                .CallAsync(g => g.StartRunAsAsync(schedule.CompanyId, schedule.WorkflowInputs, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"schedule:{Id}")));
        }
        catch (Exception ex) when (ex is ValidationException or NotFoundException)
        {
            var reason = ex is ValidationException invalid
                ? string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))
                : ex.Message;
            await RecordRunAsync(schedule, tick, taskId: null, "failed", $"workflow {workflowId} did not start: {reason}");
            await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Skipped, new { schedule.Id, Reason = reason }, schedule.CompanyId);
            return;
        }

        await RecordRunAsync(schedule, tick, taskId: null, "started", null, run.Id);
        await context.PublishAsync(ScheduleEvents.Stream(Id), ScheduleEvents.Fired, new { schedule.Id, RunId = run.Id, WorkflowId = workflowId, tick.DueAt, tick.FiredAt }, schedule.CompanyId);
    }

    private async Task RecordRunAsync(ScheduleDto schedule, ReminderTick tick, long? taskId, string outcome, string? reason, long? runId = null) =>
        await context.Sql(ScheduleSql.InsertRun)
            .With("company_id", schedule.CompanyId)
            .With("schedule_id", schedule.Id)
            .With("due_at", tick.DueAt)
            .With("fired_at", tick.FiredAt)
            .With("task_id", taskId)
            .With("run_id", runId)
            .With("outcome", outcome)
            .With("reason", reason)
            .ScalarAsync<long>();

    private async Task<ScheduleDto> SetStatusAsync(long companyId, long? expectedVersion, ScheduleStatus status)
    {
        var schedule = await LoadAsync(companyId);
        Guard.Version("Schedule", expectedVersion, schedule.Version);
        if (schedule.Status == status)
        {
            throw new ConflictException($"Schedule {Id} is already {status.ToDb()}.", "schedule.unchanged");
        }

        await context.Sql(ScheduleSql.SetStatus).With("id", Id).With("company_id", companyId).With<ScheduleStatus>("status", status).With("now", context.Now).ExecuteAsync();
        if (status == ScheduleStatus.Active)
        {
            await context.RegisterReminderAsync(Reminder, ScheduleRules.Validate(schedule.Name, schedule.Template, schedule.Timing));
        }
        else
        {
            await context.UnregisterReminderAsync(Reminder);
        }

        return await PublishAsync(companyId, status == ScheduleStatus.Active ? ScheduleEvents.Resumed : ScheduleEvents.Paused);
    }

    private async Task<ScheduleDto> PublishAsync(long companyId, string type)
    {
        var schedule = await LoadAsync(companyId);
        await context.PublishAsync(ScheduleEvents.Stream(Id), type, schedule, companyId);
        return schedule;
    }

    private async Task<ScheduleDto> LoadAsync(long companyId) =>
        await context.Sql(ScheduleSql.ById).With("id", Id).With("company_id", companyId).FirstOrDefaultAsync(ScheduleRules.Map)
            ?? throw new NotFoundException("Schedule", Id);
}

/// <summary>Validation and row mapping shared by the two schedule grains.</summary>
internal static class ScheduleRules
{
    /// <summary>Checks the fields and returns the reminder schedule the timing means.</summary>
    public static ReminderSchedule Validate(string name, TaskTemplate template, ScheduleTiming timing)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(timing);
        var fields = new Fields()
            .Text("name", name, 200)
            .Text("template.title", template.Title, 300)
            .Check(template.MaxAttempts is >= 1 and <= 100, "template.maxAttempts", "must be between 1 and 100")
            .Check(template.DeadlineAfterMinutes is null or > 0, "template.deadlineAfterMinutes", "must be positive")
            .Check((timing.IntervalMinutes is null) != (timing.Cron is null), "timing", "needs exactly one of intervalMinutes or cron")
            .Check(timing.IntervalMinutes is null or (>= 1 and <= 527040), "timing.intervalMinutes", "must be between 1 minute and a year");
        ReminderSchedule? reminder = null;
        if (timing.Cron is { } cron)
        {
            try
            {
                reminder = ReminderSchedule.OnCron(cron, timing.TimeZone);
            }
            catch (ArgumentException ex)
            {
                fields.Add(ex.ParamName == "timeZone" ? "timing.timeZone" : "timing.cron", ex.Message.Split(" (Parameter", 2)[0]);
            }
        }
        else if (timing.IntervalMinutes is { } minutes and >= 1 and <= 527040)
        {
            reminder = ReminderSchedule.Every(TimeSpan.FromMinutes(minutes));
        }

        fields.ThrowIfAny();
        return reminder!;
    }

    /// <summary>
    /// A workflow schedule's workflow exists in the company and its inputs fit the workflow's declared inputs
    /// (errors named <c>workflowInputs.x</c>); returns the inputs as stored (null without a workflow).
    /// </summary>
    public static async Task<string?> CheckWorkflowAsync(ITurnContext context, long companyId, long? workflowId, JsonElement? inputs)
    {
        if (workflowId is not { } id)
        {
            return inputs is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) }
                ? throw new ValidationException("workflowInputs", "needs a workflowId")
                : null;
        }

        WorkflowDto workflow;
        try
        {
            workflow = await Workflows.WorkflowRules.LoadAsync(context, companyId, id);
        }
        catch (NotFoundException)
        {
            throw new ValidationException("workflowId", $"workflow {id} does not exist in this company");
        }

        var errors = new Workflows.WorkflowErrors();
        var definition = Workflows.WorkflowDefinition.Parse(workflow.Definition, errors);
        Workflows.WorkflowInputs.Bind(definition, inputs, errors);
        var problems = errors.ToDictionary();
        if (problems.Count > 0)
        {
            throw new ValidationException(problems.ToDictionary(p => p.Key.StartsWith("inputs", StringComparison.Ordinal) ? "workflowInputs" + p.Key["inputs".Length..] : "workflowId", p => p.Value));
        }

        return inputs is { ValueKind: JsonValueKind.Object } given ? given.GetRawText() : null;
    }

    public static async Task EnsureAgentAsync(ITurnContext context, long companyId, long agentId)
    {
        var status = await context.Sql(ScheduleSql.AgentStatus).With("agent_id", agentId).With("company_id", companyId).ScalarAsync<string>();
        if (status is null)
        {
            throw new ValidationException("agentId", $"agent {agentId} does not exist in this company");
        }

        if (status == "archived")
        {
            throw new ValidationException("agentId", $"agent {agentId} is archived");
        }
    }

    public static ScheduleDto Map(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<string>("name"),
        r.Get<long>("agent_id"),
        JsonSerializer.Deserialize<TaskTemplate>(r.Get<string>("template"), RuntimeJson.Options)!,
        new ScheduleTiming { IntervalMinutes = r.GetOrNull<int>("interval_minutes"), Cron = r.GetStringOrNull("cron"), TimeZone = r.Get<string>("time_zone") },
        r.GetEnum<ScheduleStatus>("status"),
        r.GetOrNull<DateTimeOffset>("next_run_at"),
        r.GetOrNull<DateTimeOffset>("last_run_at"),
        r.Get<int>("run_count"),
        r.Get<long>("version"),
        r.Get<DateTimeOffset>("created_at"),
        r.GetOrNull<long>("workflow_id"),
        r.GetStringOrNull("workflow_inputs") is { } inputs ? JsonElement.Parse(inputs) : null);
}
