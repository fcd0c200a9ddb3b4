using System.Globalization;
using System.Security.Cryptography;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Knowledge.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace FluidManager.Knowledge.Triggers;

/// <summary>A workflow trigger as the API shows it: never its secret. <see cref="Path"/> is where its deliveries are posted.</summary>
public sealed record WorkflowTriggerDto(
    long Id, long WorkflowId, string Kind, string Name, bool Enabled, int ReplayWindowSeconds, string Path, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A trigger just created, with its secret: the only time the secret is shown.</summary>
public sealed record CreatedWorkflowTriggerDto(WorkflowTriggerDto Trigger, string Secret);

/// <summary>
/// A webhook trigger to create or change. <see cref="Secret"/> (creation only) signs each delivery; when omitted one is
/// generated. <see cref="ReplayWindowSeconds"/>: how far a delivery's timestamp may be from now (default 300).
/// </summary>
public sealed record WorkflowTriggerInput(string? Name, string? Secret, bool? Enabled, int? ReplayWindowSeconds);

/// <summary>One firing of a trigger: the delivery, its outcome (started or rejected), and the run it started or the error.</summary>
public sealed record WorkflowTriggerFiringDto(long Id, long TriggerId, string DeliveryId, string Outcome, long? RunId, string? Error, DateTimeOffset CreatedAt);

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
        return changed == 0 ? throw new NotFoundException("Trigger", id) : new CreatedWorkflowTriggerDto(await GetAsync(companyId, id, cancellationToken), secret);
    }

    /// <summary>A new secret: 32 random bytes as 64 lowercase hex digits.</summary>
    internal static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret encrypted for the company's purpose, as stored.</summary>
    internal string Protect(long companyId, string secret) => Protector(companyId).Protect(secret);

    public async Task<CreatedWorkflowTriggerDto> CreateAsync(long companyId, long workflowId, WorkflowTriggerInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (name, window) = Validate(input, creating: true);
        var secret = input.Secret ?? NewSecret();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RequireWorkflowAsync(connection, companyId, workflowId, cancellationToken);
        var id = await new NpgsqlCommand(WorkflowTriggersSql.Insert, connection)
            .With("company_id", companyId).With("workflow_id", workflowId).With("name", name).With("secret", Protector(companyId).Protect(secret))
            .With("enabled", input.Enabled ?? true).With("replay_window_seconds", window).With("actor", actor).With("now", time.GetUtcNow())
            .ScalarAsync<long>(cancellationToken);
        return new CreatedWorkflowTriggerDto(await GetAsync(companyId, id, cancellationToken), secret);
    }

    /// <summary>Changes the name, enabled and replay window; the secret cannot be changed (delete and create a new trigger).</summary>
    public async Task<WorkflowTriggerDto> UpdateAsync(long companyId, long id, WorkflowTriggerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
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
                r.GetStringOrNull("error"), r.Get<DateTimeOffset>("created_at")), cancellationToken);
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
        return new WorkflowTriggerDto(
            id, r.Get<long>("workflow_id"), r.Get<string>("kind"), r.Get<string>("name"), r.Get<bool>("enabled"), r.Get<int>("replay_window_seconds"),
            string.Create(CultureInfo.InvariantCulture, $"/api/hooks/{id}"), r.Get<string>("created_by"), r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"));
    }

    private IDataProtector Protector(long companyId) => protection.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
