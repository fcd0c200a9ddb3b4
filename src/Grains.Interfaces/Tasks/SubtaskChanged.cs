namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sent by a subtask's grain to its parent's grain, in the same turn, whenever the subtask's status changes.</summary>
public sealed record SubtaskChanged(long CompanyId, long SubtaskId, TaskState? From, TaskState To);
