namespace FluidManager.Grains.Tools;

/// <summary>How a tool call ended.</summary>
public enum AgentToolStatus
{
    /// <summary>The tool did its work; the text is the answer.</summary>
    Ok,

    /// <summary>A rule refused the call (no right, not granted, not allowlisted, over quota); the reason says which.</summary>
    Denied,

    /// <summary>The call was allowed but failed (bad arguments, timeout, the target failed).</summary>
    Error,
}
