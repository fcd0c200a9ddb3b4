namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Payload of the task.* events: the task after the change, where it came from and why.</summary>
public sealed record TaskChangedEvent(TaskDto Task, TaskState? From = null, string? Reason = null, long? PreviousAssigneeAgentId = null);
