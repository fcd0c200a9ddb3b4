namespace FluidManager.Grains.Interfaces.Artifacts;

[GenerateSerializer]
[Alias("fm.artifacts.ArtifactDto")]
public sealed record ArtifactDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long? TaskId,
    [property: Id(3)] long? AgentId,
    [property: Id(4)] ArtifactKind Kind,
    [property: Id(5)] string Name,
    [property: Id(6)] string? ContentType,
    [property: Id(7)] long? Size,
    [property: Id(8)] string? StorageKey,
    [property: Id(9)] string? Sha256,
    [property: Id(10)] string? Url,
    [property: Id(11)] string? StepKey,
    [property: Id(12)] string? CreatedBy,
    [property: Id(13)] DateTimeOffset CreatedAt);
