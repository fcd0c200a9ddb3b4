using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime;

/// <summary>The runtime's log messages. Ids: 1xx start-up, 2xx turns and messages, 3xx activities, 4xx silos and listeners.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Applied migration {Name}")]
    public static partial void MigrationApplied(ILogger logger, string name);

    [LoggerMessage(101, LogLevel.Information, "Database schema is up to date ({Applied} migrations applied now)")]
    public static partial void MigrationsDone(ILogger logger, int applied);

    [LoggerMessage(200, LogLevel.Debug, "Turn of {Grain} retried (attempt {Attempt}): {Reason}")]
    public static partial void TurnRetried(ILogger logger, string grain, int attempt, string reason);

    [LoggerMessage(201, LogLevel.Warning, "Message {MessageId} to {Grain} failed (attempt {Attempt}): {Error}")]
    public static partial void MessageFailed(ILogger logger, long messageId, string grain, int attempt, string error);

    [LoggerMessage(202, LogLevel.Error, "Message {MessageId} to {Grain} moved to the dead letters after {Attempts} attempts: {Error}")]
    public static partial void MessageDeadLettered(ILogger logger, long messageId, string grain, int attempts, string error);

    [LoggerMessage(300, LogLevel.Debug, "Activity {ActivityId} ({Kind}) completed in {Milliseconds} ms")]
    public static partial void ActivityCompleted(ILogger logger, Guid activityId, string kind, double milliseconds);

    [LoggerMessage(301, LogLevel.Warning, "Activity {ActivityId} ({Kind}) failed on attempt {Attempt}: {Error}")]
    public static partial void ActivityFailed(ILogger logger, Guid activityId, string kind, int attempt, string error);

    [LoggerMessage(302, LogLevel.Information, "Activity {ActivityId} stopped: cancelled or its lease was lost")]
    public static partial void ActivityStopped(ILogger logger, Guid activityId);

    [LoggerMessage(303, LogLevel.Information, "Draining: waiting up to {Seconds} s for {Count} activities")]
    public static partial void Draining(ILogger logger, int count, double seconds);

    [LoggerMessage(305, LogLevel.Warning, "Activity heartbeat came {Milliseconds} ms after the previous one, for leases of {LeaseMilliseconds} ms: leases may lapse and their activities run again; the silo or its database is overloaded")]
    public static partial void HeartbeatLate(ILogger logger, long milliseconds, long leaseMilliseconds);

    [LoggerMessage(401, LogLevel.Warning, "{Pump} pump failed ({Failures} in a row), backing off: {Error}")]
    public static partial void PumpFailed(ILogger logger, string pump, int failures, string error);

    [LoggerMessage(402, LogLevel.Warning, "Listener on {Channel} lost its connection ({Failures} in a row), reconnecting: {Error}")]
    public static partial void ListenerLost(ILogger logger, string channel, int failures, string error);

    [LoggerMessage(403, LogLevel.Warning, "Could not send the notifications of committed work ({Failures} in a row), keeping them for the next try: {Error}")]
    public static partial void HintsNotSent(ILogger logger, int failures, string error);

    [LoggerMessage(404, LogLevel.Information, "Cluster membership changed ({Changes}): this silo's activations drop what they keep in memory")]
    public static partial void WarmDroppedOnMembership(ILogger logger, string changes);

    [LoggerMessage(500, LogLevel.Warning, "Turn of {Grain} failed, deactivating it: {Error}")]
    public static partial void TurnFailed(ILogger logger, string grain, string error);

    [LoggerMessage(501, LogLevel.Information, "Call to {Grain} could not be sent (attempt {Attempt}), sending it again: {Error}")]
    public static partial void CallResent(ILogger logger, string grain, int attempt, string error);

    [LoggerMessage(502, LogLevel.Warning, "Could not tell {Grain}'s activation to drop its memory (the commit's notification will): {Error}")]
    public static partial void WarmDropFailed(ILogger logger, string grain, string error);

    [LoggerMessage(503, LogLevel.Warning, "Could not change the Orleans reminder {Name} of {Grain} after its turn committed (its row still rules): {Error}")]
    public static partial void ReminderChangeFailed(ILogger logger, string name, string grain, string error);

    [LoggerMessage(504, LogLevel.Information, "Fired {Count} reminders left overdue")]
    public static partial void OverdueRemindersFired(ILogger logger, int count);

    [LoggerMessage(505, LogLevel.Warning, "Could not fire the overdue reminder {Name} of {Grain}: {Error}")]
    public static partial void OverdueReminderFailed(ILogger logger, string name, string grain, string error);
}
