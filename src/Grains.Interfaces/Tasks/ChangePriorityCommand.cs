namespace FluidManager.Grains.Interfaces.Tasks;

public sealed record ChangePriorityCommand(long CompanyId, TaskPriority Priority, long? ExpectedVersion = null);
