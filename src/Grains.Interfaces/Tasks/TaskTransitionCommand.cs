namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A status command (start, pause, resume, block, unblock, approve, reject, fail, retry) with an optional reason.</summary>
public sealed record TaskTransitionCommand(long CompanyId, long? ExpectedVersion = null, string? Reason = null);
