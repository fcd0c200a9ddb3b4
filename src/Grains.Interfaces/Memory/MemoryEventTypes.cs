namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Events on the agent's stream when its memory changes, and on the task's stream when memory is recalled for it.</summary>
public static class MemoryEventTypes
{
    public const string Added = "memory.added";
    public const string Edited = "memory.edited";
    public const string Superseded = "memory.superseded";
    public const string Forgotten = "memory.forgotten";
    public const string Recalled = "memory.recalled";

    /// <summary>On the company's stream (the CEO's inbox) and the agent's.</summary>
    public const string PlaybookProposed = "playbook.proposed";
    public const string PlaybookApproved = "playbook.approved";
    public const string PlaybookRejected = "playbook.rejected";
}
