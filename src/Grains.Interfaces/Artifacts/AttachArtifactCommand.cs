namespace FluidManager.Grains.Interfaces.Artifacts;

/// <summary>
/// Records an artifact. Links carry <see cref="Url"/>; every other kind carries the
/// <see cref="Object"/> its bytes were stored as. A repeated <see cref="StepKey"/> returns the
/// artifact recorded the first time.
/// </summary>
[GenerateSerializer]
[Alias("fm.artifacts.AttachArtifactCommand")]
public sealed record AttachArtifactCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required ArtifactKind Kind { get; init; }

    [Id(2)]
    public required string Name { get; init; }

    [Id(3)]
    public StoredObject? Object { get; init; }

    [Id(4)]
    public string? Url { get; init; }

    /// <summary>On a task: the agent that produced it (optional).</summary>
    [Id(5)]
    public long? AgentId { get; init; }

    [Id(6)]
    public string? StepKey { get; init; }

    /// <summary>Free-form metadata of this version: a JSON object (null: none).</summary>
    [Id(7)]
    public string? Metadata { get; init; }
}
