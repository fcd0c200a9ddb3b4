using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>Agent memory's log messages. Event ids 2400-2499.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Agent memory: a new item could not be embedded, so it is found by its words only")]
    public static partial void MemoryNotEmbedded(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Agent memory: the briefing of task {TaskId} goes without memory, its search failed")]
    public static partial void BriefingMemoryFailed(ILogger logger, long taskId, Exception exception);
}
