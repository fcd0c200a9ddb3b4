namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sent by a parent task's grain to cancel a subtask during a cascade; the subtask does not report back.</summary>
public sealed record CancelByParentCommand(long CompanyId, long ParentTaskId, string? Reason = null);
