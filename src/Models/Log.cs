using Microsoft.Extensions.Logging;

namespace FluidManager.Models;

/// <summary>The model layer's log messages. Ids: 1xx catalogue, 2xx provider calls. API keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Model {Model} resolved")]
    public static partial void ModelResolved(ILogger logger, string model);

    [LoggerMessage(200, LogLevel.Warning, "Call to {Model} failed ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string model, string reason, int attempt, double delayMs);

    [LoggerMessage(201, LogLevel.Debug, "Call to {Model} answered in {Milliseconds} ms after {Attempts} attempt(s)")]
    public static partial void CallCompleted(ILogger logger, string model, double milliseconds, int attempts);

    [LoggerMessage(202, LogLevel.Warning, "Call to {Model} failed for good after {Attempts} attempt(s): {Reason}")]
    public static partial void CallFailed(ILogger logger, string model, int attempts, string reason);

    [LoggerMessage(203, LogLevel.Debug, "{Model} reported no usage; tokens counted with its tokenizer")]
    public static partial void UsageCounted(ILogger logger, string model);
}
