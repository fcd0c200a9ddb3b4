namespace FluidManager.Grains.Interfaces.Work;

/// <summary>What an agent loop is doing.</summary>
[GenerateSerializer]
[Alias("fm.work.TaskRunStatus")]
public enum TaskRunStatus
{
    /// <summary>Between steps: the next one starts as soon as the task runs.</summary>
    Idle,

    /// <summary>A model call, or a governed tool call (knowledge, SQL, web), is in flight.</summary>
    Calling,

    /// <summary>Parked: the task is paused, blocked, awaiting approval, scheduled later, or waiting for its subtasks.</summary>
    Waiting,

    /// <summary>The task is done, failed or cancelled; nothing runs until it is retried or reassigned.</summary>
    Stopped,
}
