namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Events on the agent's stream when its memory changes, and on the task's stream when memory is recalled for it.</summary>
public static class MemoryEventTypes
{
    public const string Added = "memory.added";
    public const string Edited = "memory.edited";
    public const string Superseded = "memory.superseded";
    public const string Forgotten = "memory.forgotten";
    public const string Recalled = "memory.recalled";

    /// <summary>A lesson request whose model could not answer (failed, refused by a budget, or answered out of format): the feedback's own lesson was written instead.</summary>
    public const string LessonFallback = "memory.lesson_fallback";

    /// <summary>A lesson request whose model found nothing to learn in the feedback.</summary>
    public const string LessonDeclined = "memory.lesson_declined";

    /// <summary>On the company's stream (the CEO's inbox) and the agent's.</summary>
    public const string PlaybookProposed = "playbook.proposed";
    public const string PlaybookApproved = "playbook.approved";
    public const string PlaybookRejected = "playbook.rejected";
}
