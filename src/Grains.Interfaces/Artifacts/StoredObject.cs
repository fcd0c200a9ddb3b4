namespace FluidManager.Grains.Interfaces.Artifacts;

/// <summary>
/// Bytes already written to object storage: what the upload returned. Grains record it; they never
/// move bytes themselves (a turn does no slow I/O).
/// </summary>
[GenerateSerializer]
[Alias("fm.artifacts.StoredObject")]
public sealed record StoredObject(
    [property: Id(0)] string Key,
    [property: Id(1)] long Size,
    [property: Id(2)] string Sha256,
    [property: Id(3)] string ContentType);
