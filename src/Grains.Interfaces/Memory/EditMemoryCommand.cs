namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// Changes an item's text (with its new embedding) or its pin. <see cref="ActingAgentId"/>: the manager
/// acting; null for the CEO. <see cref="ExpectedVersion"/>: 412 when the item changed meanwhile.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.EditMemoryCommand")]
public sealed record EditMemoryCommand
{
    [Id(0)] public required long CompanyId { get; init; }
    [Id(1)] public required long ItemId { get; init; }
    [Id(2)] public string? Content { get; init; }
    [Id(3)] public bool? Pinned { get; init; }
    [Id(4)] public float[]? Embedding { get; init; }
    [Id(5)] public string? EmbeddingModel { get; init; }
    [Id(6)] public long? ActingAgentId { get; init; }
    [Id(7)] public long? ExpectedVersion { get; init; }
}
