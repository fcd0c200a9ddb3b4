namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// Writes a memory item for the grain's agent. <see cref="Embedding"/> is computed by the caller (outside any
/// turn) with the configured model, named in <see cref="EmbeddingModel"/>; without it the item is stored at once
/// and found by full text until the <c>memory.embed</c> activity it starts fills its vector in. <see cref="Supersedes"/>: the older item this one contradicts, which stops being valid now.
/// <see cref="ActingAgentId"/>: the agent writing (itself, or its manager); null for a person (the CEO).
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.RememberCommand")]
public sealed record RememberCommand
{
    [Id(0)] public required long CompanyId { get; init; }
    [Id(1)] public required MemoryKind Kind { get; init; }
    [Id(2)] public required string Content { get; init; }
    [Id(3)] public required MemorySourceKind SourceKind { get; init; }
    [Id(4)] public long? SourceTaskId { get; init; }
    [Id(5)] public long? SourceMeetingId { get; init; }
    [Id(6)] public long? Supersedes { get; init; }
    [Id(7)] public bool Pinned { get; init; }
    [Id(8)] public float[]? Embedding { get; init; }
    [Id(9)] public string? EmbeddingModel { get; init; }
    [Id(10)] public long? ActingAgentId { get; init; }

    /// <summary>Written by the product itself (an episode, a lesson from feedback, a meeting's decision): no agent's rights are checked.</summary>
    [Id(11)] public bool FromSystem { get; init; }

    /// <summary>For a lesson from a person's feedback: the reason given. Once the lesson has its vector, an earlier lesson close in meaning proposes it as a playbook instruction.</summary>
    [Id(12)] public string? FeedbackReason { get; init; }
}
