namespace FluidManager.Grains.Interfaces.Tasks;

[GenerateSerializer]
[Alias("fm.tasks.ChangePriorityCommand")]
public sealed record ChangePriorityCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] TaskPriority Priority,
    [property: Id(2)] long? ExpectedVersion = null);
