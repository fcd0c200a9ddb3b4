using System.Globalization;

namespace FluidManager.Grains.Interfaces.Events;

/// <summary>The event streams the grains publish to; a dashboard subscribes to them by these names.</summary>
public static class Streams
{
    public static string Task(long taskId) => "task:" + taskId.ToString(CultureInfo.InvariantCulture);

    public static string Agent(long agentId) => "agent:" + agentId.ToString(CultureInfo.InvariantCulture);

    public static string Meeting(long meetingId) => "meeting:" + meetingId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Org changes, rule changes, policy denials and the CEO inbox.</summary>
    public static string Company(long companyId) => "company:" + companyId.ToString(CultureInfo.InvariantCulture);
}
