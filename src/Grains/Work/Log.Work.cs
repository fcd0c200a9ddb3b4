using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>The agent loop's log messages. Event ids 2200-2299.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Task {TaskId}: a status change reached a process without agent work; ignored")]
    public static partial void WorkNotEnabled(ILogger logger, long taskId);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Task {TaskId}: agent {AgentId} starts attempt {Attempt}")]
    public static partial void RunStarted(ILogger logger, long taskId, long agentId, int attempt);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Task {TaskId}: the loop stopped at attempt {Attempt}, step {Step}: {Reason}")]
    public static partial void RunStopped(ILogger logger, long taskId, int attempt, int step, string reason);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Information, Message = "Task {TaskId}: agent {AgentId} is over its budget ({Limit}); the task is blocked")]
    public static partial void BudgetBlocked(ILogger logger, long taskId, long agentId, string limit);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Warning, Message = "Task {TaskId}: tool {Tool} failed in the database: {Error}")]
    public static partial void ToolFailed(ILogger logger, long taskId, string tool, string error);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Information, Message = "Approval {ApprovalId} expired unanswered")]
    public static partial void ApprovalExpired(ILogger logger, long approvalId);
}
