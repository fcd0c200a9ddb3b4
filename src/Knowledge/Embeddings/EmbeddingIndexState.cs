namespace FluidManager.Knowledge.Embeddings;

/// <summary>
/// The knowledge index's vectors and the last re-embed. <see cref="Model"/> made the stored vectors (null when
/// unknown: written before the model was recorded); <see cref="ColumnDimensions"/> is the column's type.
/// <see cref="Ready"/> when they match the configured model; <see cref="Problem"/> says why not.
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.EmbeddingIndexState")]
public sealed record EmbeddingIndexState(
    [property: Id(0)] string? Model,
    [property: Id(1)] int ColumnDimensions,
    [property: Id(2)] bool HasChunks,
    [property: Id(3)] string ConfiguredModel,
    [property: Id(4)] int ConfiguredDimensions,
    [property: Id(5)] bool Ready,
    [property: Id(6)] string? Problem,
    [property: Id(7)] ReembedState? Reembed);

/// <summary>The last re-embed: its activity, target model, status (running, completed, failed) and progress.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.ReembedState")]
public sealed record ReembedState(
    [property: Id(0)] Guid ActivityId,
    [property: Id(1)] string Model,
    [property: Id(2)] int Dimensions,
    [property: Id(3)] string Status,
    [property: Id(4)] string? Error,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset? FinishedAt,
    [property: Id(7)] string? Stage,
    [property: Id(8)] int Done,
    [property: Id(9)] int Total);
