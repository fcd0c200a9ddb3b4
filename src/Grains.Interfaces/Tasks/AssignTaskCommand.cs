namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Assigns or reassigns a task. When an agent asks, the hierarchy policy must agree.</summary>
public sealed record AssignTaskCommand(long CompanyId, long AgentId, long? ExpectedVersion = null);
