using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>Alert log messages: event ids 2700-2799.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "The alert sweep failed and runs again at its next tick: {Reason}")]
    public static partial void AlertSweepFailed(ILogger logger, string reason);
}
