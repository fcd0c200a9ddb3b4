namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// One memory item of an agent, with its provenance: <see cref="SourceKind"/> and the task, meeting or
/// person it came from; its validity (<see cref="ValidTo"/> is set when a newer item supersedes it) and
/// whether it was pinned or forgotten.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryItemDto")]
public sealed record MemoryItemDto
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long CompanyId { get; init; }
    [Id(2)] public required long AgentId { get; init; }
    [Id(3)] public required MemoryKind Kind { get; init; }
    [Id(4)] public required string Content { get; init; }
    [Id(5)] public required MemorySourceKind SourceKind { get; init; }
    [Id(6)] public long? SourceTaskId { get; init; }
    [Id(7)] public long? SourceMeetingId { get; init; }
    [Id(8)] public required string SourceActor { get; init; }
    [Id(9)] public required DateTimeOffset ValidFrom { get; init; }
    [Id(10)] public DateTimeOffset? ValidTo { get; init; }
    [Id(11)] public long? SupersedesId { get; init; }
    [Id(12)] public long? SupersededById { get; init; }
    [Id(13)] public bool Pinned { get; init; }
    [Id(14)] public DateTimeOffset? ForgottenAt { get; init; }
    [Id(15)] public string? ForgottenBy { get; init; }
    [Id(16)] public required long Version { get; init; }
    [Id(17)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(18)] public required string CreatedBy { get; init; }
    [Id(19)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Neither forgotten nor superseded nor past its validity: retrieval may return it.</summary>
    public bool Live(DateTimeOffset now) => ForgottenAt is null && ValidFrom <= now && (ValidTo is null || ValidTo > now);
}
