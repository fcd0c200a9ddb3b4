namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Payload of the task.* events: the task after the change, where it came from and why.</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskChangedEvent")]
public sealed record TaskChangedEvent(
    [property: Id(0)] TaskDto Task,
    [property: Id(1)] TaskState? From = null,
    [property: Id(2)] string? Reason = null,
    [property: Id(3)] long? PreviousAssigneeAgentId = null);
