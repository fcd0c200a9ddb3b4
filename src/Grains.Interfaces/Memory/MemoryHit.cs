namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>A retrieved item, its rank (1 = best) and the fused score (vector and full-text ranks, pin and recency).</summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryHit")]
public sealed record MemoryHit([property: Id(0)] int Rank, [property: Id(1)] double Score, [property: Id(2)] MemoryItemDto Item);
