using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>Agent memory's log messages. Event ids 2400-2499.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Agent memory of agent {AgentId}: an item could not be embedded after {Attempts} attempt(s) ({Error}), so it is found by its words only until the next sweep")]
    public static partial void MemoryNotEmbedded(ILogger logger, long agentId, int attempts, string error);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Warning, Message = "Agent memory of agent {AgentId}: the lesson of task {TaskId} was written from the feedback alone, the model's could not be had: {Why}")]
    public static partial void LessonFallback(ILogger logger, long agentId, long taskId, string why);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "Agent memory: the briefing of task {TaskId} searches memory by words only, its embedding failed")]
    public static partial void BriefingMemoryWordsOnly(ILogger logger, long taskId, Exception exception);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "Agent memory: {Items} item(s) waiting for their vector were handed to memory.embed activities")]
    public static partial void MemorySwept(ILogger logger, int items);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Agent memory: the sweep of items waiting for their vector failed; it runs again at the next start")]
    public static partial void MemorySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Agent memory: the briefing of task {TaskId} goes without memory, its search failed after {Attempts} attempt(s): {Error}")]
    public static partial void BriefingMemoryFailed(ILogger logger, long taskId, int attempts, string error);
}
