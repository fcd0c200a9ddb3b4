namespace FluidManager.Grains.Interfaces.Artifacts;

/// <summary>
/// An artifact. An upload under a name its task already holds is the next <see cref="Version"/>; <see cref="Metadata"/>
/// is the free-form JSON object given with it, as text.
/// </summary>
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
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] int Version = 1,
    [property: Id(15)] string Metadata = "{}");
