using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Tasks;

/// <summary>
/// Posted by a subtask's grain to its parent's grain in the turn of every status change of the subtask (and of
/// its creation, with no <see cref="From"/>). The parent applies it in its own turn: the progress event, the
/// failure policy, and the announcement that all subtasks are finished.
/// </summary>
public sealed record SubtaskChanged(long CompanyId, long SubtaskId, TaskState? From, TaskState To);
