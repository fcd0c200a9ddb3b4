namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of budget.exceeded: the limit a call would have broken, with the figures.</summary>
public sealed record BudgetExceededEvent(long TaskId, long AgentId, BudgetLimit Limit, decimal LimitValue, decimal Used, decimal Reserved, decimal Needed, long? ApprovalId, string Reason);
