namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// A read of an agent's memory. <see cref="ReaderAgentId"/>: the agent reading (itself or a manager up the
/// chart); null for a member of the company (the CEO reads all). With <see cref="Text"/> the items are ranked
/// by hybrid search (with <see cref="Embedding"/> when the caller computed one); without it, newest first.
/// Forgotten and superseded items are left out unless <see cref="IncludeInactive"/>.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryQuery")]
public sealed record MemoryQuery
{
    [Id(0)] public required long CompanyId { get; init; }
    [Id(1)] public long? ReaderAgentId { get; init; }
    [Id(2)] public string? Text { get; init; }
    [Id(3)] public float[]? Embedding { get; init; }
    [Id(4)] public IReadOnlyList<MemoryKind>? Kinds { get; init; }
    [Id(5)] public int Limit { get; init; } = 20;
    [Id(6)] public bool IncludeInactive { get; init; }

    /// <summary>The task the read is made for (recorded with a recall).</summary>
    [Id(7)] public long? TaskId { get; init; }
}
