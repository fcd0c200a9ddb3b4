using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

internal static partial class Log
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Meeting {MeetingId}: a signal reached a process without agent work; it is handled by a silo that runs AddAgentWork()")]
    public static partial void MeetingWorkNotEnabled(ILogger logger, long meetingId);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Meeting {MeetingId}: the conversation ended: {Reason}")]
    public static partial void MeetingEnded(ILogger logger, long meetingId, string reason);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Meeting {MeetingId}: synthesis attempt {Attempt} was invalid: {Errors}")]
    public static partial void MinutesRejected(ILogger logger, long meetingId, int attempt, string errors);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Meeting {MeetingId}: the minutes could not be written: {Reason}")]
    public static partial void MeetingFailed(ILogger logger, long meetingId, string reason);
}
