using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Work;

/// <summary>
/// Posted by a task's grain to its runner on every status change of an assigned task, in the turn of
/// the change. The runner reads the task's current status (the signal only says what happened).
/// </summary>
public sealed record TaskRunSignal(long CompanyId, long TaskId, TaskState? From, TaskState To, TaskAction Action, string? Reason);
