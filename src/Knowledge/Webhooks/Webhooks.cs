using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Knowledge.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Knowledge.Webhooks;

/// <summary>A webhook as the API shows it: never its secret.</summary>
public sealed record WebhookDto(long Id, string Url, IReadOnlyList<string> Events, string Description, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// A webhook to create or replace. <see cref="Events"/>: alert kinds (task_failed, dead_letter, …) or "*" for every
/// kind. <see cref="Secret"/> signs each delivery; it is write-only (on a replace, null keeps the stored one) and at
/// least 16 characters.
/// </summary>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Events, string? Secret, string? Description, bool? Enabled);

/// <summary>One delivery of an event to a webhook, with its last attempt's response code and duration.</summary>
public sealed record WebhookDeliveryDto(
    long Id, long WebhookId, Guid DeliveryId, string EventType, long? AlertId, string Status, int Attempts,
    int? ResponseCode, int? DurationMs, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? FinishedAt);

/// <summary>The company's outbound webhooks; each secret encrypted with ASP.NET Core Data Protection (a purpose per company).</summary>
public sealed class Webhooks(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider time, IOptions<WebhookOptions> options)
{
    private readonly WebAddressPolicy _policy = options.Value.Policy();

    public const int MinSecretLength = 16;
    private const string Purpose = "FluidManager.Webhooks.Secret.v1";

    /// <summary>What a subscription may name: each alert kind, or every kind.</summary>
    public static IReadOnlyList<string> EventNames { get; } =
        ["*", .. Enum.GetValues<AlertKind>().Select(k => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString()))];

    public async Task<IReadOnlyList<WebhookDto>> ListAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WebhooksSql.List, connection).With("company_id", companyId).ListAsync(Map, cancellationToken);
    }

    public async Task<WebhookDto> GetAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WebhooksSql.Get, connection).With("company_id", companyId).With("id", id).FirstOrDefaultAsync(Map, cancellationToken)
            ?? throw new NotFoundException("Webhook", id);
    }

    public async Task<WebhookDto> CreateAsync(long companyId, WebhookInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (url, events) = Validate(input, secretRequired: true);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await new NpgsqlCommand(WebhooksSql.Insert, connection)
            .With("company_id", companyId).With("url", url).With("events", events).With("secret", Protector(companyId).Protect(input.Secret!))
            .With("description", input.Description?.Trim() ?? "").With("enabled", input.Enabled ?? true).With("now", time.GetUtcNow()).With("actor", actor)
            .ScalarAsync<long>(cancellationToken);
        return await GetAsync(companyId, id, cancellationToken);
    }

    public async Task<WebhookDto> ReplaceAsync(long companyId, long id, WebhookInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (url, events) = Validate(input, secretRequired: false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changed = await new NpgsqlCommand(WebhooksSql.Update, connection)
            .With("company_id", companyId).With("id", id).With("url", url).With("events", events)
            .With("secret", input.Secret is { } secret ? Protector(companyId).Protect(secret) : null)
            .With("description", input.Description?.Trim() ?? "").With("enabled", input.Enabled ?? true).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
        return changed == 0 ? throw new NotFoundException("Webhook", id) : await GetAsync(companyId, id, cancellationToken);
    }

    /// <summary>Removes the webhook and its delivery log; a delivery under way finds it gone and stops.</summary>
    public async Task DeleteAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await new NpgsqlCommand(WebhooksSql.Delete, connection).With("company_id", companyId).With("id", id).ExecuteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException("Webhook", id);
        }
    }

    public async Task<IReadOnlyList<WebhookDeliveryDto>> DeliveriesAsync(long companyId, long id, int limit, CancellationToken cancellationToken)
    {
        await GetAsync(companyId, id, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(WebhooksSql.Deliveries, connection)
            .With("company_id", companyId).With("webhook_id", id).With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new WebhookDeliveryDto(
                r.Get<long>("id"), r.Get<long>("webhook_id"), r.Get<Guid>("activity_id"), r.Get<string>("event_type"), r.GetOrNull<long>("alert_id"),
                r.Get<string>("status"), r.Get<int>("attempts"), r.GetOrNull<int>("response_code"), r.GetOrNull<int>("duration_ms"), r.GetStringOrNull("error"),
                r.Get<DateTimeOffset>("created_at"), r.GetOrNull<DateTimeOffset>("last_attempt_at"), r.GetOrNull<DateTimeOffset>("finished_at")), cancellationToken);
    }

    /// <summary>Where a delivery goes and the secret that signs it, decrypted; null when the webhook is gone or turned off.</summary>
    internal async Task<(Uri Url, string Secret)?> TargetAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await new NpgsqlCommand(WebhooksSql.Target, connection).With("company_id", companyId).With("id", id)
            .FirstOrDefaultAsync(r => new { Url = r.Get<string>("url"), Secret = r.Get<string>("secret"), Enabled = r.Get<bool>("enabled") }, cancellationToken);
        return row is { Enabled: true } ? (new Uri(row.Url), Protector(companyId).Unprotect(row.Secret)) : null;
    }

    private (string Url, string[] Events) Validate(WebhookInput input, bool secretRequired)
    {
        var errors = new Dictionary<string, string[]>();
        var url = input.Url?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            errors["url"] = ["is required"];
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || url.Length > 2000)
        {
            errors["url"] = [$"'{url}' is not an absolute http or https address of at most 2000 characters"];
        }
        else if (parsed.UserInfo.Length > 0)
        {
            errors["url"] = ["must not carry a user name or password: the secret signs each delivery"];
        }
        else if (_policy.RefusedLiteral(parsed) is { } refused)
        {
            // Names are checked when a delivery connects, after DNS resolution; an address is refused at once.
            errors["url"] = [$"{refused} is not an address webhooks deliver to: {_policy.Refusal}"];
        }

        var events = (input.Events ?? []).Select(e => e.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        if (events.Length == 0)
        {
            errors["events"] = [$"name at least one event: {string.Join(", ", EventNames)}"];
        }
        else if (events.Where(e => !EventNames.Contains(e)).ToList() is { Count: > 0 } unknown)
        {
            errors["events"] = [$"{string.Join(", ", unknown.Select(u => $"'{u}'"))} not known; use {string.Join(", ", EventNames)}"];
        }

        if (input.Secret is null ? secretRequired : input.Secret.Length < MinSecretLength)
        {
            errors["secret"] = [string.Create(CultureInfo.InvariantCulture, $"must be at least {MinSecretLength} characters")];
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : (url!, events);
    }

    private static WebhookDto Map(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<string>("url"), r.Get<string[]>("events"), r.Get<string>("description"), r.Get<bool>("enabled"),
        r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"));

    private IDataProtector Protector(long companyId) => protection.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
