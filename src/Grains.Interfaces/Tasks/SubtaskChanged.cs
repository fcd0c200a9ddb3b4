namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sent by a subtask's grain to its parent's grain, in the same turn, whenever the subtask's status changes.</summary>
[GenerateSerializer]
[Alias("fm.tasks.SubtaskChanged")]
public sealed record SubtaskChanged(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long SubtaskId,
    [property: Id(2)] TaskState? From,
    [property: Id(3)] TaskState To);
