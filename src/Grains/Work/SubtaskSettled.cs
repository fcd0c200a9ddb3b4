using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Work;

/// <summary>Posted by a subtask's runner to its parent's runner when the subtask is done, failed or cancelled.</summary>
public sealed record SubtaskSettled(long CompanyId, long TaskId, long SubtaskId, TaskState Status);
