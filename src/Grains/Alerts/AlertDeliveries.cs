using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Alerts;

/// <summary>What a webhook receives: the event, its stable id (the same on every attempt) and the alert.</summary>
public sealed record WebhookEnvelope(Guid Id, string Type, long CompanyId, DateTimeOffset OccurredAt, AlertDto Alert);

/// <summary>The input of one webhook delivery: the body is fixed when the alert fires, so every attempt signs the same bytes.</summary>
public sealed record WebhookDeliveryInput(long CompanyId, long WebhookId, long DeliveryId, string EventType, string Body);

/// <summary>The input of one alert e-mail.</summary>
public sealed record AlertEmailInput(long CompanyId, AlertDto Alert);

/// <summary>
/// Fans a fired alert out, in the turn that fires it: one logged delivery (a leased activity with retries and
/// exponential backoff) per subscribed webhook, and one e-mail activity when mail is wired in.
/// </summary>
internal static class AlertDeliveries
{
    public const string WebhookActivity = "webhook.deliver";

    public static async Task FanOutAsync(ITurnContext context, AlertOptions options, AlertDto alert)
    {
        var activity = new ActivityOptions { MaxAttempts = options.DeliveryAttempts, Backoff = options.DeliveryBackoff, Timeout = options.DeliveryTimeout };
        var webhooks = await context.Sql(AlertsSql.Subscribers)
            .With("company_id", alert.CompanyId)
            .With<AlertKind>("kind", alert.Kind)
            .ListAsync(r => r.GetInt64(0));
        foreach (var webhookId in webhooks)
        {
            var activityId = Guid.CreateVersion7(context.Now);
            var body = JsonSerializer.Serialize(new WebhookEnvelope(activityId, AlertEventTypes.Fired, alert.CompanyId, alert.FiredAt, alert), RuntimeJson.Options);
            var deliveryId = await context.Sql(AlertsSql.InsertDelivery)
                .With("company_id", alert.CompanyId)
                .With("webhook_id", webhookId)
                .With("activity_id", activityId)
                .With("event_type", AlertEventTypes.Fired)
                .With("alert_id", alert.Id)
                .With("payload", body)
                .With("now", context.Now)
                .ScalarAsync<long>();
            await context.ScheduleActivityAsync(WebhookActivity, new WebhookDeliveryInput(alert.CompanyId, webhookId, deliveryId, AlertEventTypes.Fired, body), activity, activityId);
        }

        if (options.EmailActivity is { } email && await context.Sql(AlertsSql.HasMailServer).With("company_id", alert.CompanyId).ScalarAsync<bool>())
        {
            await context.ScheduleActivityAsync(email, new AlertEmailInput(alert.CompanyId, alert), activity with { MaxAttempts = Math.Min(3, options.DeliveryAttempts) });
        }
    }

    public static async Task FinishAsync(ITurnContext context, ActivityOutcome outcome)
    {
        if (outcome.Kind == WebhookActivity)
        {
            await context.Sql(AlertsSql.FinishDelivery)
                .With("activity_id", outcome.Id)
                .With("succeeded", outcome.Succeeded)
                .With("error", outcome.Error)
                .With("attempts", outcome.Attempts)
                .With("now", context.Now)
                .ExecuteAsync();
        }
    }
}
