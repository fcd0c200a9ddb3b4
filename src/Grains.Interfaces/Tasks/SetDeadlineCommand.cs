namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sets the deadline, or clears it when <see cref="DeadlineAt"/> is null.</summary>
public sealed record SetDeadlineCommand(long CompanyId, DateTimeOffset? DeadlineAt, long? ExpectedVersion = null);
