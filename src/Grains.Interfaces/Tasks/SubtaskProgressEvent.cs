namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Payload of task.subtask_progress and task.subtasks_finished on the parent's stream.</summary>
[GenerateSerializer]
[Alias("fm.tasks.SubtaskProgressEvent")]
public sealed record SubtaskProgressEvent(
    [property: Id(0)] long TaskId,
    [property: Id(1)] long SubtaskId,
    [property: Id(2)] TaskState? SubtaskFrom,
    [property: Id(3)] TaskState SubtaskTo,
    [property: Id(4)] SubtaskProgress Progress);
