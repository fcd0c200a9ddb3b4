using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge;

/// <summary>Webhook and alert e-mail log messages: event ids 5700-5799.</summary>
internal static partial class Log
{
    [LoggerMessage(5701, LogLevel.Warning, "Company {CompanyId}: delivery {DeliveryId} to webhook {WebhookId}, attempt {Attempt} of {MaxAttempts}, failed: {Reason}")]
    public static partial void WebhookAttemptFailed(ILogger logger, long companyId, long webhookId, long deliveryId, int attempt, int maxAttempts, string reason);

    [LoggerMessage(5703, LogLevel.Warning, "Company {CompanyId}: delivery {DeliveryId} to webhook {WebhookId} failed for good: {Reason}")]
    public static partial void WebhookTargetRefused(ILogger logger, long companyId, long webhookId, long deliveryId, string reason);

    [LoggerMessage(5702, LogLevel.Information, "Company {CompanyId}: alert {AlertId} e-mailed to {Recipients} recipients")]
    public static partial void AlertEmailSent(ILogger logger, long companyId, long alertId, int recipients);
}
