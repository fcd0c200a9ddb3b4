namespace FluidManager.Grains.Triggers;

/// <summary>Event triggers, their limits and the custom events of agents. Section <c>Fluid:Triggers</c>.</summary>
public sealed class TriggerOptions
{
    public const string Section = "Fluid:Triggers";

    /// <summary>Whether this process follows the event log for event triggers. Default true (several processes may: each (trigger, event) fires once).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the event log is read for new events when idle. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most trigger firings that may lead to one run or task: an event whose cause already went through this many
    /// firings does not fire (the firing is recorded as limited and a <c>trigger.limited</c> event written). Default 5.
    /// </summary>
    public int MaxDepth { get; set; } = 5;

    /// <summary>The most runs or tasks one trigger starts per minute; further events are recorded as limited. Default 30.</summary>
    public int MaxFiringsPerMinute { get; set; } = 30;

    /// <summary>How many times a firing that fails to start its run or task is tried before it is recorded as failed. Default 3.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>Wait before the second attempt of a failing firing; it doubles for each later one. Default 1 second.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest payload (UTF-8 bytes of its JSON) of an event written with the <c>emit_event</c> tool. Default 16384.</summary>
    public int MaxCustomEventBytes { get; set; } = 16_384;
}
