namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// A proposed change of an agent's standing instructions: the instruction to add, the playbook before and after
/// (the diff shown for approval), and the lessons and tasks it came from.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.PlaybookChangeDto")]
public sealed record PlaybookChangeDto
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long CompanyId { get; init; }
    [Id(2)] public required long AgentId { get; init; }
    [Id(3)] public required PlaybookChangeStatus Status { get; init; }
    [Id(4)] public required string Instruction { get; init; }
    [Id(5)] public required string PlaybookBefore { get; init; }
    [Id(6)] public required string PlaybookAfter { get; init; }
    [Id(7)] public required IReadOnlyList<long> LessonIds { get; init; }
    [Id(8)] public required IReadOnlyList<long> SourceTaskIds { get; init; }
    [Id(9)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public DateTimeOffset? DecidedAt { get; init; }
    [Id(11)] public string? DecidedBy { get; init; }
    [Id(12)] public string? Comment { get; init; }
    [Id(13)] public required long Version { get; init; }
}
