namespace FluidManager.Grains.Interfaces.Artifacts;

/// <summary>
/// Bytes already written to object storage: what the upload returned. Grains record it; they never
/// move bytes themselves (a turn does no slow I/O).
/// </summary>
public sealed record StoredObject(string Key, long Size, string Sha256, string ContentType);
