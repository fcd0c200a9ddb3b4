using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Workflows;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// One event trigger (key = trigger id). For each committed event offered to it, in one transaction: the event's
/// earlier firing if any (each (trigger, event) fires at most once), else the condition, the depth and rate limits,
/// then the run or task it starts, recorded with the firing. A firing that throws leaves nothing behind: the
/// dispatcher retries it and records the failure at the end.
/// </summary>
[GrainType("event-trigger")]
public sealed class EventTriggerGrain(ITurnContext context, IOptions<TriggerOptions> options) : DurableGrain, IEventTriggerGrain
{
    private const string None = "none";

    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Trigger");

    public async Task<EventFiringDto> FireAsync(EventFiringCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var trigger = await LoadAsync();
        if (trigger is null || !trigger.Enabled || trigger.CompanyId != command.CompanyId || trigger.EventType != command.Type)
        {
            return new EventFiringDto(None, null, null, null, 0, Duplicate: false);
        }

        if (await EarlierAsync(command.Position) is { } earlier)
        {
            return earlier;
        }

        var depth = await DepthOfAsync(command.CompanyId, command.Stream) + 1;
        var seen = new TriggerEvent(command.Position, command.Stream, command.Type, command.Payload);
        bool holds;
        try
        {
            holds = TriggerRules.Holds(trigger.Condition, seen);
        }
        catch (WorkflowConditionException ex)
        {
            return await FailAsync(trigger, command.Position, command.Type, depth, ex.Message, command.Attempt);
        }

        if (!holds)
        {
            return await RecordAsync(trigger, command.Position, command.Type, "skipped", depth, attempts: command.Attempt);
        }

        var limits = options.Value;
        if (depth > limits.MaxDepth)
        {
            return await LimitAsync(trigger, command, depth, "depth", limits.MaxDepth,
                string.Create(CultureInfo.InvariantCulture, $"the event came from {depth - 1} trigger firing(s); the limit is {limits.MaxDepth} (Fluid:Triggers:MaxDepth)"));
        }

        var recent = await context.Sql(TriggersSql.RecentStarts).With("trigger_id", Id).With("since", context.Now - TimeSpan.FromMinutes(1)).ScalarAsync<int>();
        if (recent >= limits.MaxFiringsPerMinute)
        {
            return await LimitAsync(trigger, command, depth, "rate", limits.MaxFiringsPerMinute,
                string.Create(CultureInfo.InvariantCulture, $"the trigger started {recent} run(s) or task(s) in the last minute; the limit is {limits.MaxFiringsPerMinute} (Fluid:Triggers:MaxFiringsPerMinute)"));
        }

        // The turn's actor is its caller's (the dispatcher calls as trigger:{id}), which the run records as startedBy.
        long? runId = null;
        long? taskId = null;
        if (trigger.Target == "task")
        {
            taskId = await CreateTaskAsync(trigger, seen, command, depth);
        }
        else
        {
            var inputs = TriggerRules.Render(trigger.Inputs is { } template ? JsonNode.Parse(template) : null, seen);
            var run = await context.Join<IWorkflowGrain>(trigger.WorkflowId!.Value).CallAsync(g => g.StartTriggeredRunAsync(new TriggeredRunCommand
            {
                CompanyId = trigger.CompanyId,
                TriggerId = Id,
                DeliveryId = DeliveryId(command.Position),
                Inputs = inputs is null ? null : JsonSerializer.SerializeToElement(inputs, RuntimeJson.Options),
                EventPosition = command.Position,
                EventType = command.Type,
                Depth = depth,
            }));
            runId = run.RunId;
        }

        await context.Sql(TriggersSql.ClearError).With("id", Id).ExecuteAsync();
        await context.PublishAsync(TriggerEvents.Stream(Id), TriggerEvents.Fired,
            new { TriggerId = Id, EventPosition = command.Position, EventType = command.Type, Depth = depth, RunId = runId, TaskId = taskId }, trigger.CompanyId);
        return new EventFiringDto("started", runId, taskId, null, depth, Duplicate: false);
    }

    public async Task<EventFiringDto> RecordFailureAsync(FailedFiringCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var trigger = await LoadAsync();
        if (trigger is null || trigger.CompanyId != command.CompanyId)
        {
            return new EventFiringDto(None, null, null, null, 0, Duplicate: false);
        }

        return await EarlierAsync(command.Position) ?? await FailAsync(trigger, command.Position, command.Type, depth: 0, command.Error, command.Attempts);
    }

    private async Task<long> CreateTaskAsync(TriggerRow trigger, TriggerEvent seen, EventFiringCommand command, int depth)
    {
        var template = JsonSerializer.Deserialize<EventTriggerTask>(trigger.TaskTemplate!, RuntimeJson.Options)!;
        var title = TriggerRules.Render(template.Title ?? trigger.Name, seen).Trim();
        var description = TriggerRules.Render(template.Description ?? "", seen);
        var task = await TaskCreation.CreateAsync(context, new CreateTaskCommand
        {
            CompanyId = trigger.CompanyId,
            Title = title.Length > 300 ? title[..300] : title,
            Description = (description.Length > 0 ? description + "\n\n" : "")
                + string.Create(CultureInfo.InvariantCulture, $"Created by the trigger \"{trigger.Name}\" on {command.Type} (event {command.Position})."),
            Project = template.Project,
            AssigneeAgentId = template.AgentId,
            Priority = template.Priority ?? Interfaces.Tasks.TaskPriority.Normal,
        }, string.Create(CultureInfo.InvariantCulture, $"trigger:{Id}"));
        await context.Sql(TriggersSql.SetTaskDepth).With("company_id", trigger.CompanyId).With("task_id", task.Id).With("depth", depth).ExecuteAsync();
        await RecordAsync(trigger, command.Position, command.Type, "started", depth, taskId: task.Id, attempts: command.Attempt);
        return task.Id;
    }

    private async Task<EventFiringDto> LimitAsync(TriggerRow trigger, EventFiringCommand command, int depth, string reason, int limit, string error)
    {
        await context.PublishAsync(TriggerEvents.Stream(Id), TriggerEvents.Limited,
            new { TriggerId = Id, trigger.Name, EventPosition = command.Position, EventType = command.Type, Reason = reason, Depth = depth, Limit = limit }, trigger.CompanyId);
        return await RecordAsync(trigger, command.Position, command.Type, "limited", depth, error: error, attempts: command.Attempt);
    }

    private async Task<EventFiringDto> FailAsync(TriggerRow trigger, long position, string type, int depth, string error, int attempts)
    {
        await context.Sql(TriggersSql.SetError).With("id", Id).With("error", error).With("now", context.Now).ExecuteAsync();
        await context.PublishAsync(TriggerEvents.Stream(Id), TriggerEvents.Failed,
            new { TriggerId = Id, trigger.Name, EventPosition = position, EventType = type, Error = error, Attempts = attempts }, trigger.CompanyId);
        return await RecordAsync(trigger, position, type, "failed", depth, error: error, attempts: attempts);
    }

    private async Task<EventFiringDto> RecordAsync(TriggerRow trigger, long position, string type, string outcome, int depth, long? taskId = null, string? error = null, int attempts = 1)
    {
        await context.Sql(TriggersSql.InsertFiring)
            .With("company_id", trigger.CompanyId).With("trigger_id", Id).With("outcome", outcome).With("run_id", (long?)null).With("task_id", taskId)
            .With("error", error).With("event_position", position).With("event_type", type).With("depth", depth).With("attempts", attempts).With("now", context.Now)
            .ExecuteAsync();
        return new EventFiringDto(outcome, null, taskId, error, depth, Duplicate: false);
    }

    private async Task<EventFiringDto?> EarlierAsync(long position) =>
        await context.Sql(TriggersSql.FiringOfEvent).With("trigger_id", Id).With("event_position", position)
            .FirstOrDefaultAsync(r => new EventFiringDto(
                r.Get<string>("outcome"), r.GetOrNull<long>("run_id"), r.GetOrNull<long>("task_id"), r.GetStringOrNull("error"), r.Get<int>("depth"), Duplicate: true));

    /// <summary>How many trigger firings led to the event: read from the task or run whose stream it is on (0 for anything else).</summary>
    private async Task<int> DepthOfAsync(long companyId, string stream)
    {
        var colon = stream.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !long.TryParse(stream.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return 0;
        }

        var sql = stream[..colon] switch
        {
            "task" => TriggersSql.TaskDepth,
            "workflow-run" => TriggersSql.RunDepth,
            _ => null,
        };
        return sql is null ? 0 : await context.Sql(sql).With("company_id", companyId).With("id", id).ScalarAsync<int>();
    }

    private async Task<TriggerRow?> LoadAsync() =>
        await context.Sql(TriggersSql.Definition).With("id", Id).FirstOrDefaultAsync(r => new TriggerRow(
            r.Get<long>("company_id"), r.GetOrNull<long>("workflow_id"), r.Get<string>("name"), r.Get<bool>("enabled"), r.Get<string>("event_type"),
            r.GetStringOrNull("condition"), r.Get<string>("target"), r.GetStringOrNull("inputs"), r.GetStringOrNull("task_template")));

    private static string DeliveryId(long position) => "event:" + position.ToString(CultureInfo.InvariantCulture);

    private sealed record TriggerRow(
        long CompanyId, long? WorkflowId, string Name, bool Enabled, string EventType, string? Condition, string Target, string? Inputs, string? TaskTemplate);
}
