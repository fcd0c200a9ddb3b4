namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Cancels a task; with <see cref="Cascade"/>, its open subtasks (and theirs) are cancelled in the same turn.</summary>
public sealed record CancelTaskCommand(long CompanyId, bool Cascade = false, long? ExpectedVersion = null, string? Reason = null);
