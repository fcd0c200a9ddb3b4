namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of task.step_started: the model call of a step, with the budget it reserved.</summary>
public sealed record StepStartedEvent(long TaskId, long AgentId, int Attempt, int Step, Guid ActivityId, string Model, long ReservedTokens, decimal ReservedCost);
