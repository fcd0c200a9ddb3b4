using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using FluidManager.Grains.Alerts;
using FluidManager.Grains.Data;
using FluidManager.Knowledge.Web;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Knowledge.Webhooks;

/// <summary>What a delivery ended with.</summary>
public sealed record WebhookDeliveryResult(string Outcome, int? ResponseCode);

/// <summary>
/// One attempt at a webhook delivery, outside any grain turn: posts the signed body, logs the attempt (response
/// code, duration) on the delivery row, and throws on anything but a 2xx so that the activity is retried with
/// exponential backoff. Receivers tell attempts of one delivery apart from new deliveries by <c>X-Fluid-Delivery</c>.
/// A target whose addresses the webhook policy refuses (<see cref="WebhookOptions"/>, checked when the connection
/// is made) fails the delivery at once: trying again would be refused again.
/// </summary>
internal sealed class WebhookDeliveryActivity(
    IHttpClientFactory http, Webhooks webhooks, NpgsqlDataSource dataSource, TimeProvider time, ILogger<WebhookDeliveryActivity> logger)
    : ActivityHandler<WebhookDeliveryInput, WebhookDeliveryResult>
{
    public const string HttpClientName = "webhooks";

    public override string Kind => AlertDeliveries.WebhookActivity;

    protected override async Task<WebhookDeliveryResult> ExecuteAsync(WebhookDeliveryInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        if (await webhooks.TargetAsync(input.CompanyId, input.WebhookId, cancellationToken) is not { } target)
        {
            await LogAttemptAsync(input, execution.Attempt, null, null, "the webhook was deleted or turned off; not sent", succeeded: false, cancellationToken);
            return new WebhookDeliveryResult("skipped", null);
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(input.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(target.Secret, timestamp, input.Body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, execution.Id.ToString());
        request.Headers.Add(WebhookSignature.EventHeader, input.EventType);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("fluidManager-webhooks", "1"));

        var watch = Stopwatch.StartNew();
        int? code = null;
        string? error = null;
        var refused = false;
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            code = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"the receiver answered {code} {response.ReasonPhrase}";
            }
        }
        catch (HttpRequestException ex) when (WebAddressPolicy.FindDenied(ex) is { } denied)
        {
            error = $"the target address is refused, not sent and not tried again: {denied.Message}";
            refused = true;
        }
        catch (HttpRequestException ex)
        {
            error = $"the request failed: {ex.Message}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = "the receiver did not answer in time";
        }

        var ms = (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);
        await LogAttemptAsync(input, execution.Attempt, code, ms, error, error is null, cancellationToken, final: refused);
        if (refused)
        {
            Log.WebhookTargetRefused(logger, input.CompanyId, input.WebhookId, input.DeliveryId, error!);
            return new WebhookDeliveryResult("refused", null);
        }

        if (error is not null)
        {
            Log.WebhookAttemptFailed(logger, input.CompanyId, input.WebhookId, input.DeliveryId, execution.Attempt, execution.MaxAttempts, error);
            throw new HttpRequestException($"Delivery {input.DeliveryId} to webhook {input.WebhookId}: {error} (attempt {execution.Attempt} of {execution.MaxAttempts}).");
        }

        return new WebhookDeliveryResult("delivered", code);
    }

    /// <summary>Logs an attempt; <paramref name="final"/> fails the delivery for good (no retry follows).</summary>
    private async Task LogAttemptAsync(WebhookDeliveryInput input, int attempt, int? code, int? ms, string? error, bool succeeded, CancellationToken cancellationToken, bool final = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(WebhooksSql.LogAttempt, connection)
            .With("company_id", input.CompanyId).With("id", input.DeliveryId).With("attempt", attempt).With("response_code", code).With("duration_ms", ms)
            .With("error", error).With("succeeded", succeeded).With("final", final).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
    }
}
