using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Triggers;
using FluidManager.Knowledge.Webhooks;
using FluidManager.Runtime;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace FluidManager.Knowledge.Triggers;

/// <summary>
/// A workflow trigger as the API shows it: never its secret. A webhook trigger: <see cref="Path"/> is where its
/// deliveries are posted. An event trigger (kind event): <see cref="EventType"/>, <see cref="Condition"/> and
/// <see cref="Target"/> (workflow: a run of <see cref="WorkflowId"/> with <see cref="Inputs"/>; task: a task from
/// <see cref="Task"/>), and the error of its last failed firing until one succeeds (<see cref="LastError"/>).
/// </summary>
public sealed record WorkflowTriggerDto(
    long Id, long? WorkflowId, string Kind, string Name, bool Enabled, int ReplayWindowSeconds, string? Path, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? EventType = null, string? Condition = null, string? Target = null, JsonElement? Inputs = null, EventTriggerTask? Task = null,
    string? LastError = null, DateTimeOffset? LastErrorAt = null);

/// <summary>A trigger just created, with its secret: the only time the secret is shown (an event trigger has none).</summary>
public sealed record CreatedWorkflowTriggerDto(WorkflowTriggerDto Trigger, string? Secret);

/// <summary>
/// A trigger to create or change. <see cref="Kind"/>: webhook (default) or event; it cannot change.
/// A webhook: <see cref="Secret"/> (creation only) signs each delivery, generated when omitted;
/// <see cref="ReplayWindowSeconds"/>: how far a delivery's timestamp may be from now (default 300).
/// An event trigger: <see cref="EventType"/> (task.completed, custom.lead_qualified…), an optional NCalc
/// <see cref="Condition"/> over <c>${payload.…}</c>, and a <see cref="Target"/>: workflow (the default when the trigger
/// belongs to a workflow; <see cref="Inputs"/> is the run's inputs, whose strings may hold <c>${payload.…}</c>) or task
/// (<see cref="Task"/>: title, description, agentId, priority, project). <see cref="WorkflowId"/> is read only by
/// <c>POST /api/triggers</c>, which creates a trigger outside a workflow's path.
/// </summary>
public sealed record WorkflowTriggerInput(
    string? Name, string? Secret, bool? Enabled, int? ReplayWindowSeconds,
    string? Kind = null, string? EventType = null, string? Condition = null, string? Target = null, JsonElement? Inputs = null, EventTriggerTask? Task = null,
    long? WorkflowId = null);

/// <summary>
/// One firing of a trigger: the delivery (an event trigger's is <c>event:&lt;position&gt;</c>), its outcome (started,
/// rejected, skipped: the condition did not hold, limited: depth or rate, failed: after its attempts), and the run or
/// task it started or the error; for an event trigger also the event, the causation depth and the attempts.
/// </summary>
public sealed record WorkflowTriggerFiringDto(
    long Id, long TriggerId, string DeliveryId, string Outcome, long? RunId, string? Error, DateTimeOffset CreatedAt,
    long? EventPosition = null, string? EventType = null, long? TaskId = null, int Depth = 0, int Attempts = 1);

/// <summary>The trigger a signed delivery fires: its company and workflow.</summary>
public sealed record HookTarget(long CompanyId, long WorkflowId);

/// <summary>Why a delivery was refused before anything started (answered with 401).</summary>
public sealed class HookRefusedException(string reason) : Exception(reason);

/// <summary>
/// The company's workflow triggers: webhooks whose signed deliveries start runs. Each secret is encrypted with ASP.NET
/// Core Data Protection (a purpose per company); deliveries are signed like the outbound webhooks (<see cref="WebhookSignature"/>).
/// </summary>
public sealed class WorkflowTriggers(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider time)
{
    public const int MinSecretLength = 16;
    public const int DefaultReplayWindowSeconds = 300;
    public const int MaxDeliveryIdLength = 200;
    private const string Purpose = "FluidManager.Triggers.Secret.v1";

    public async Task<IReadOnlyList<WorkflowTriggerDto>> ListAsync(long companyId, long workflowId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RequireWorkflowAsync(connection, companyId, workflowId, cancellationToken);
        return await new NpgsqlCommand(WorkflowTriggersSql.ByWorkflow, connection).With("company_id", companyId).With("workflow_id", workflowId).ListAsync(Map, cancellationToken);
    }

    /// <summary>Every trigger of the company, of both kinds.</summary>
    public async Task<IReadOnlyList<WorkflowTriggerDto>> ListAllAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WorkflowTriggersSql.ByCompany, connection).With("company_id", companyId).ListAsync(Map, cancellationToken);
    }

    public async Task<WorkflowTriggerDto> GetAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WorkflowTriggersSql.Get, connection).With("company_id", companyId).With("id", id).FirstOrDefaultAsync(Map, cancellationToken)
            ?? throw new NotFoundException("Trigger", id);
    }

    /// <summary>Replaces the secret with a newly generated one, returned this once; deliveries signed with the old one are refused from now on.</summary>
    public async Task<CreatedWorkflowTriggerDto> RotateSecretAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        var secret = NewSecret();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changed = await new NpgsqlCommand(WorkflowTriggersSql.Rotate, connection)
            .With("company_id", companyId).With("id", id).With("secret", Protect(companyId, secret)).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
        if (changed == 0)
        {
            _ = await GetAsync(companyId, id, cancellationToken);
            throw new ValidationException("kind", "an event trigger has no secret");
        }

        return new CreatedWorkflowTriggerDto(await GetAsync(companyId, id, cancellationToken), secret);
    }

    /// <summary>A new secret: 32 random bytes as 64 lowercase hex digits.</summary>
    internal static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret encrypted for the company's purpose, as stored.</summary>
    internal string Protect(long companyId, string secret) => Protector(companyId).Protect(secret);

    /// <summary>
    /// Creates a trigger: under a workflow's path (<paramref name="workflowId"/>), or for the company (null: the
    /// input's workflowId, optional for an event trigger that creates tasks).
    /// </summary>
    public async Task<CreatedWorkflowTriggerDto> CreateAsync(long companyId, long? workflowId, WorkflowTriggerInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Kind(input.Kind) == EventKind)
        {
            var owner = workflowId ?? input.WorkflowId;
            var definition = await ValidateEventAsync(companyId, owner, input, workflowId is not null, cancellationToken);
            await using var eventConnection = await dataSource.OpenConnectionAsync(cancellationToken);
            var eventTriggerId = await new NpgsqlCommand(WorkflowTriggersSql.InsertEvent, eventConnection)
                .With("company_id", companyId).With("workflow_id", owner).With("name", definition.Name)
                .With("enabled", input.Enabled ?? true).With("event_type", definition.EventType).With("condition", definition.Condition).With("target", definition.Target)
                .With("inputs", definition.Inputs).With("task_template", definition.Task).With("actor", actor).With("now", time.GetUtcNow())
                .ScalarAsync<long>(cancellationToken);
            return new CreatedWorkflowTriggerDto(await GetAsync(companyId, eventTriggerId, cancellationToken), null);
        }

        var hookWorkflow = workflowId ?? input.WorkflowId ?? throw new ValidationException("workflowId", "is required for a webhook trigger");
        var (name, window) = Validate(input, creating: true);
        var secret = input.Secret ?? NewSecret();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RequireWorkflowAsync(connection, companyId, hookWorkflow, cancellationToken);
        var id = await new NpgsqlCommand(WorkflowTriggersSql.Insert, connection)
            .With("company_id", companyId).With("workflow_id", hookWorkflow).With("name", name).With("secret", Protector(companyId).Protect(secret))
            .With("enabled", input.Enabled ?? true).With("replay_window_seconds", window).With("actor", actor).With("now", time.GetUtcNow())
            .ScalarAsync<long>(cancellationToken);
        return new CreatedWorkflowTriggerDto(await GetAsync(companyId, id, cancellationToken), secret);
    }

    /// <summary>
    /// Changes a webhook's name, enabled and replay window (the secret cannot be changed: delete and create a new
    /// trigger), or an event trigger's name, enabled, event type, condition and target; the kind cannot change.
    /// </summary>
    public async Task<WorkflowTriggerDto> UpdateAsync(long companyId, long id, WorkflowTriggerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await GetAsync(companyId, id, cancellationToken);
        if (input.Kind is not null && Kind(input.Kind) != current.Kind)
        {
            throw new ValidationException("kind", $"cannot change (the trigger is a {current.Kind} trigger)");
        }

        if (current.Kind == EventKind)
        {
            var owner = input.WorkflowId ?? current.WorkflowId;
            var definition = await ValidateEventAsync(companyId, owner, input with { Target = input.Target ?? current.Target }, workflowScoped: false, cancellationToken);
            await using var eventConnection = await dataSource.OpenConnectionAsync(cancellationToken);
            await new NpgsqlCommand(WorkflowTriggersSql.UpdateEvent, eventConnection)
                .With("company_id", companyId).With("id", id).With("workflow_id", owner).With("name", definition.Name)
                .With("enabled", input.Enabled ?? true).With("event_type", definition.EventType).With("condition", definition.Condition).With("target", definition.Target)
                .With("inputs", definition.Inputs).With("task_template", definition.Task).With("now", time.GetUtcNow())
                .ExecuteAsync(cancellationToken);
            return await GetAsync(companyId, id, cancellationToken);
        }

        var (name, window) = Validate(input, creating: false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changed = await new NpgsqlCommand(WorkflowTriggersSql.Update, connection)
            .With("company_id", companyId).With("id", id).With("name", name).With("enabled", input.Enabled ?? true)
            .With("replay_window_seconds", window).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
        return changed == 0 ? throw new NotFoundException("Trigger", id) : await GetAsync(companyId, id, cancellationToken);
    }

    /// <summary>Removes the trigger and its firing history; the runs it started stay.</summary>
    public async Task DeleteAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await new NpgsqlCommand(WorkflowTriggersSql.Delete, connection).With("company_id", companyId).With("id", id).ExecuteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException("Trigger", id);
        }
    }

    public async Task<IReadOnlyList<WorkflowTriggerFiringDto>> FiringsAsync(long companyId, long id, int limit, CancellationToken cancellationToken)
    {
        await GetAsync(companyId, id, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WorkflowTriggersSql.Firings, connection)
            .With("company_id", companyId).With("trigger_id", id).With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new WorkflowTriggerFiringDto(
                r.Get<long>("id"), r.Get<long>("trigger_id"), r.Get<string>("delivery_id"), r.Get<string>("outcome"), r.GetOrNull<long>("run_id"),
                r.GetStringOrNull("error"), r.Get<DateTimeOffset>("created_at"), r.GetOrNull<long>("event_position"), r.GetStringOrNull("event_type"),
                r.GetOrNull<long>("task_id"), r.Get<int>("depth"), r.Get<int>("attempts")), cancellationToken);
    }

    /// <summary>
    /// Checks a delivery before anything starts: the trigger exists and is enabled, the delivery id is given, the
    /// timestamp (Unix seconds) lies within the trigger's replay window of now, and the signature is the body's.
    /// Any failure is a <see cref="HookRefusedException"/>, which says no more than the caller needs.
    /// </summary>
    public async Task<HookTarget> AuthenticateAsync(long triggerId, string? timestamp, string? signature, string? deliveryId, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await new NpgsqlCommand(WorkflowTriggersSql.Hook, connection).With("id", triggerId)
            .FirstOrDefaultAsync(r => new
            {
                CompanyId = r.Get<long>("company_id"), WorkflowId = r.Get<long>("workflow_id"), Secret = r.Get<string>("secret"),
                Enabled = r.Get<bool>("enabled"), Window = r.Get<int>("replay_window_seconds"),
            }, cancellationToken);
        if (row is not { Enabled: true })
        {
            throw new HookRefusedException("unknown or disabled trigger");
        }

        if (string.IsNullOrWhiteSpace(deliveryId) || deliveryId.Length > MaxDeliveryIdLength)
        {
            throw new HookRefusedException(string.Create(CultureInfo.InvariantCulture, $"the {WebhookSignature.DeliveryHeader} header (at most {MaxDeliveryIdLength} characters) is required"));
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new HookRefusedException($"the {WebhookSignature.TimestampHeader} header (Unix seconds) is required");
        }

        if (Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > row.Window)
        {
            throw new HookRefusedException($"the {WebhookSignature.TimestampHeader} is outside the replay window");
        }

        if (!WebhookSignature.Verify(Protector(row.CompanyId).Unprotect(row.Secret), seconds, body, signature))
        {
            throw new HookRefusedException($"the {WebhookSignature.SignatureHeader} does not match");
        }

        return new HookTarget(row.CompanyId, row.WorkflowId);
    }

    /// <summary>Records a signed delivery that started nothing (its body did not fit the workflow's inputs).</summary>
    public async Task RecordRejectedAsync(long companyId, long triggerId, string deliveryId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(WorkflowTriggersSql.InsertRejected, connection)
            .With("company_id", companyId).With("trigger_id", triggerId).With("delivery_id", deliveryId).With("error", error).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
    }

    private static async Task RequireWorkflowAsync(NpgsqlConnection connection, long companyId, long workflowId, CancellationToken cancellationToken)
    {
        if (!await new NpgsqlCommand(WorkflowTriggersSql.WorkflowExists, connection).With("company_id", companyId).With("id", workflowId).ScalarAsync<bool>(cancellationToken))
        {
            throw new NotFoundException("Workflow", workflowId);
        }
    }

    private const string EventKind = "event";

    private static string Kind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        null or "" or "webhook" => "webhook",
        EventKind => EventKind,
        _ => throw new ValidationException("kind", $"'{kind}' is not a kind of trigger: webhook or event"),
    };

    /// <summary>An event trigger's fields as stored: inputs and task as JSON text.</summary>
    private sealed record EventDefinition(string Name, string EventType, string? Condition, string Target, string? Inputs, string? Task);

    /// <summary>Checks an event trigger's fields, naming each wrong one; the workflow and the task's agent must be the company's.</summary>
    private async Task<EventDefinition> ValidateEventAsync(long companyId, long? workflowId, WorkflowTriggerInput input, bool workflowScoped, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors["name"] = [string.IsNullOrEmpty(name) ? "is required" : "must be at most 200 characters"];
        }

        if (input.Secret is not null)
        {
            errors["secret"] = ["an event trigger has no secret"];
        }

        var eventType = input.EventType?.Trim();
        if (TriggerRules.EventTypeError(eventType) is { } typeError)
        {
            errors["eventType"] = [typeError];
        }

        var condition = string.IsNullOrWhiteSpace(input.Condition) ? null : input.Condition.Trim();
        if (TriggerRules.ConditionError(condition) is { } conditionError)
        {
            errors["condition"] = [conditionError];
        }

        var target = input.Target?.Trim().ToLowerInvariant() ?? (workflowScoped || workflowId is not null ? "workflow" : "task");
        string? inputs = null;
        string? task = null;
        if (target == "workflow")
        {
            if (workflowId is null)
            {
                errors["workflowId"] = ["is required for a trigger that starts a workflow run"];
            }

            if (input.Inputs is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given)
            {
                if (given.ValueKind != JsonValueKind.Object)
                {
                    errors["inputs"] = ["must be an object of input name → value (strings may hold ${payload.…})"];
                }
                else if (TriggerRules.TemplateError(JsonNode.Parse(given.GetRawText())) is { } bad)
                {
                    errors["inputs." + bad.Path] = [bad.Error];
                }
                else
                {
                    inputs = given.GetRawText();
                }
            }
        }
        else if (target == "task")
        {
            if (input.Task is not { } template)
            {
                errors["task"] = ["is required for a trigger that creates a task: title, description, agentId, priority, project"];
            }
            else
            {
                var title = template.Title?.Trim();
                if (string.IsNullOrEmpty(title) || title.Length > 300)
                {
                    errors["task.title"] = [string.IsNullOrEmpty(title) ? "is required" : "must be at most 300 characters"];
                }
                else if (TriggerRules.ReferenceError(title) is { } titleError)
                {
                    errors["task.title"] = [titleError];
                }

                if (template.Description is { } description && (description.Length > 50_000 || TriggerRules.ReferenceError(description) is not null))
                {
                    errors["task.description"] = [TriggerRules.ReferenceError(description) ?? "must be at most 50000 characters"];
                }

                if (template.Project is { Length: > 200 })
                {
                    errors["task.project"] = ["must be at most 200 characters"];
                }

                if (template.AgentId is { } agentId)
                {
                    await using var check = await dataSource.OpenConnectionAsync(cancellationToken);
                    if (!await new NpgsqlCommand(WorkflowTriggersSql.AgentExists, check).With("company_id", companyId).With("id", agentId).ScalarAsync<bool>(cancellationToken))
                    {
                        errors["task.agentId"] = [$"agent {agentId} does not exist in this company"];
                    }
                }

                task = JsonSerializer.Serialize(template with { Title = title }, RuntimeJson.Options);
            }
        }
        else
        {
            errors["target"] = [$"'{input.Target}' is not a target: workflow (start a run) or task (create a task)"];
        }

        if (workflowId is { } id)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            if (!await new NpgsqlCommand(WorkflowTriggersSql.WorkflowExists, connection).With("company_id", companyId).With("id", id).ScalarAsync<bool>(cancellationToken))
            {
                if (workflowScoped)
                {
                    throw new NotFoundException("Workflow", id);
                }

                errors["workflowId"] = [$"workflow {id} does not exist in this company"];
            }
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : new EventDefinition(name!, eventType!, condition, target, inputs, task);
    }

    private static (string Name, int Window) Validate(WorkflowTriggerInput input, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["is required"];
        }
        else if (name.Length > 200)
        {
            errors["name"] = ["must be at most 200 characters"];
        }

        if (input.Secret is not null && (!creating || input.Secret.Length < MinSecretLength))
        {
            errors["secret"] = [creating
                ? string.Create(CultureInfo.InvariantCulture, $"must be at least {MinSecretLength} characters (or omit it to have one generated)")
                : "cannot be changed; delete the trigger and create a new one"];
        }

        var window = input.ReplayWindowSeconds ?? DefaultReplayWindowSeconds;
        if (window is < 30 or > 86400)
        {
            errors["replayWindowSeconds"] = ["must be between 30 and 86400"];
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : (name!, window);
    }

    private static WorkflowTriggerDto Map(NpgsqlDataReader r)
    {
        var id = r.Get<long>("id");
        var kind = r.Get<string>("kind");
        if (kind != EventKind)
        {
            return new WorkflowTriggerDto(
                id, r.GetOrNull<long>("workflow_id"), kind, r.Get<string>("name"), r.Get<bool>("enabled"), r.Get<int>("replay_window_seconds"),
                string.Create(CultureInfo.InvariantCulture, $"/api/hooks/{id}"), r.Get<string>("created_by"), r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"));
        }

        return new WorkflowTriggerDto(
            id, r.GetOrNull<long>("workflow_id"), kind, r.Get<string>("name"), r.Get<bool>("enabled"), r.Get<int>("replay_window_seconds"),
            null, r.Get<string>("created_by"), r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"),
            r.GetStringOrNull("event_type"), r.GetStringOrNull("condition"), r.Get<string>("target"),
            r.GetStringOrNull("inputs") is { } inputs ? JsonElement.Parse(inputs) : null,
            r.GetStringOrNull("task_template") is { } task ? JsonSerializer.Deserialize<EventTriggerTask>(task, RuntimeJson.Options) : null,
            r.GetStringOrNull("last_error"), r.GetOrNull<DateTimeOffset>("last_error_at"));
    }

    private IDataProtector Protector(long companyId) => protection.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
