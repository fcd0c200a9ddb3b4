namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Assigns or reassigns a task. When an agent asks, the hierarchy policy must agree.</summary>
[GenerateSerializer]
[Alias("fm.tasks.AssignTaskCommand")]
public sealed record AssignTaskCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] long? ExpectedVersion = null);
