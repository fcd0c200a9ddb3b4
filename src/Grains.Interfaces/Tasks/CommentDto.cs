namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A comment; <see cref="Author"/> is "human:3", "agent:7" or "system".</summary>
[GenerateSerializer]
[Alias("fm.tasks.CommentDto")]
public sealed record CommentDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long TaskId,
    [property: Id(2)] string Author,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset CreatedAt);
