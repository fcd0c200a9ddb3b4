namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>The caller's version (If-Match / expectedVersion) is stale: someone changed it first (412).</summary>
[GenerateSerializer]
[Alias("fm.errors.VersionMismatchException")]
public sealed class VersionMismatchException(string what, long expected, long actual)
    : DomainException($"{what} is at version {actual}, not {expected}: reload it and try again.", "version_mismatch")
{
    [Id(0)]
    public long Expected { get; } = expected;

    [Id(1)]
    public long Actual { get; } = actual;
}
