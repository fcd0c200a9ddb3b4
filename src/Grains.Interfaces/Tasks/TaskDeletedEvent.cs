namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>The tombstone a deleted task leaves in the event log: what it was and who deleted it.</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskDeletedEvent")]
public sealed record TaskDeletedEvent(
    [property: Id(0)] long TaskId,
    [property: Id(1)] string Title,
    [property: Id(2)] TaskState Status,
    [property: Id(3)] string? DeletedBy,
    [property: Id(4)] DateTimeOffset DeletedAt);
