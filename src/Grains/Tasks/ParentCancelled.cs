namespace FluidManager.Grains.Tasks;

/// <summary>
/// Posted by a task's grain to each of its open subtasks when it is cancelled with its subtasks (a cascade): the
/// subtask cancels itself in its own turn, without reporting back, and passes the cascade on to its own subtasks.
/// </summary>
public sealed record ParentCancelled(long CompanyId, long ParentTaskId, string? Reason);
