namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sent by a parent task's grain to cancel a subtask during a cascade; the subtask does not report back.</summary>
[GenerateSerializer]
[Alias("fm.tasks.CancelByParentCommand")]
public sealed record CancelByParentCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long ParentTaskId,
    [property: Id(2)] string? Reason = null);
