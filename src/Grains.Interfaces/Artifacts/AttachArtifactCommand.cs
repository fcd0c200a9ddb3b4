namespace FluidManager.Grains.Interfaces.Artifacts;

/// <summary>
/// Records an artifact. Links carry <see cref="Url"/>; every other kind carries the
/// <see cref="Object"/> its bytes were stored as. A repeated <see cref="StepKey"/> returns the
/// artifact recorded the first time.
/// </summary>
public sealed record AttachArtifactCommand
{
    public required long CompanyId { get; init; }

    public required ArtifactKind Kind { get; init; }

    public required string Name { get; init; }

    public StoredObject? Object { get; init; }

    public string? Url { get; init; }

    /// <summary>On a task: the agent that produced it (optional).</summary>
    public long? AgentId { get; init; }

    public string? StepKey { get; init; }
}
