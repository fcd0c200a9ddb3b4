namespace FluidManager.Grains.Interfaces.Work;

/// <summary>How a tool call ended.</summary>
[GenerateSerializer]
[Alias("fm.work.ToolOutcome")]
public enum ToolOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>Refused by a rule (the hierarchy policy, the tool not being offered); the model is told why.</summary>
    Denied,

    /// <summary>Invalid arguments or a refused command; the model is told why.</summary>
    Error,

    /// <summary>Done, and the task now waits (for an approval, a clarification or its subtasks).</summary>
    Waiting,

    /// <summary>Not run because an earlier call of the same answer parked the task.</summary>
    Skipped,
}
