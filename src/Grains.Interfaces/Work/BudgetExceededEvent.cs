namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of budget.exceeded: the limit a call would have broken, with the figures.</summary>
[GenerateSerializer]
[Alias("fm.work.BudgetExceededEvent")]
public sealed record BudgetExceededEvent(
    [property: Id(0)] long TaskId,
    [property: Id(1)] long AgentId,
    [property: Id(2)] BudgetLimit Limit,
    [property: Id(3)] decimal LimitValue,
    [property: Id(4)] decimal Used,
    [property: Id(5)] decimal Reserved,
    [property: Id(6)] decimal Needed,
    [property: Id(7)] long? ApprovalId,
    [property: Id(8)] string Reason);
