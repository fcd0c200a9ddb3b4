using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>Event trigger log messages: event ids 2800-2899.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2801, Level = LogLevel.Warning, Message = "Event triggers: a pass over the event log failed and runs again at the next tick: {Reason}")]
    public static partial void TriggerPassFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Warning, Message = "Event trigger {TriggerId}: event {Position} ({Type}) failed to fire on attempt {Attempt} of {Attempts}: {Error}")]
    public static partial void TriggerAttemptFailed(ILogger logger, long triggerId, long position, string type, int attempt, int attempts, string error);
}
