namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A task's status. Done and cancelled are final; failed can be retried.</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskState")]
public enum TaskState
{
    Queued,
    Running,
    Paused,
    Blocked,
    AwaitingApproval,
    Failed,
    Done,
    Cancelled,
}
