namespace FluidManager.Grains.Interfaces.Artifacts;

public sealed record ArtifactDto(
    long Id,
    long CompanyId,
    long? TaskId,
    long? AgentId,
    ArtifactKind Kind,
    string Name,
    string? ContentType,
    long? Size,
    string? StorageKey,
    string? Sha256,
    string? Url,
    string? StepKey,
    string? CreatedBy,
    DateTimeOffset CreatedAt);
