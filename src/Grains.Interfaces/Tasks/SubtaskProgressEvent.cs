namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Payload of task.subtask_progress and task.subtasks_finished on the parent's stream.</summary>
public sealed record SubtaskProgressEvent(long TaskId, long SubtaskId, TaskState? SubtaskFrom, TaskState SubtaskTo, SubtaskProgress Progress);
