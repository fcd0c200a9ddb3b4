namespace FluidManager.Grains.Interfaces.Tasks;

public sealed record CompleteTaskCommand(long CompanyId, string? Result = null, long? ExpectedVersion = null);
