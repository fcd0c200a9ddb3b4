using System.Globalization;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>The stream and event types of workflow triggers (one stream per trigger), and the namespace of custom events.</summary>
public static class TriggerEvents
{
    /// <summary>An event trigger started a run or created a task. Payload: trigger, event position and type, depth, run or task.</summary>
    public const string Fired = "trigger.fired";

    /// <summary>A firing was refused by the depth or rate limit. Payload: trigger, event position and type, reason (depth or rate), depth, limit.</summary>
    public const string Limited = "trigger.limited";

    /// <summary>A firing failed to start its run or task after its retries. Payload: trigger, event position and type, error, attempts.</summary>
    public const string Failed = "trigger.failed";

    /// <summary>The prefix of the events agents write with the <c>emit_event</c> tool: <c>custom.&lt;name&gt;</c>.</summary>
    public const string CustomPrefix = "custom.";

    public static string Stream(long triggerId) => "trigger:" + triggerId.ToString(CultureInfo.InvariantCulture);
}
