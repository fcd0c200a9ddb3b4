namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of task.step_started: the model call of a step, with the budget it reserved.</summary>
[GenerateSerializer]
[Alias("fm.work.StepStartedEvent")]
public sealed record StepStartedEvent(
    [property: Id(0)] long TaskId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Step,
    [property: Id(4)] Guid ActivityId,
    [property: Id(5)] string Model,
    [property: Id(6)] long ReservedTokens,
    [property: Id(7)] decimal ReservedCost);
