namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A comment; <see cref="Author"/> is "human:3", "agent:7" or "system".</summary>
public sealed record CommentDto(long Id, long TaskId, string Author, string Body, DateTimeOffset CreatedAt);
