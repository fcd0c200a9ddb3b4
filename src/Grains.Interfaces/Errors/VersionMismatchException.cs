namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The caller's version (If-Match / expectedVersion) is stale: someone changed it first (412).</summary>
public sealed class VersionMismatchException(string what, long expected, long actual)
    : DomainException($"{what} is at version {actual}, not {expected}: reload it and try again.", "version_mismatch")
{
    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}
