namespace FluidManager.Grains.Interfaces.Tasks;

[GenerateSerializer]
[Alias("fm.tasks.WorklogEntryDto")]
public sealed record WorklogEntryDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long? TaskId,
    [property: Id(2)] long? AgentId,
    [property: Id(3)] WorklogVisibility Visibility,
    [property: Id(4)] string Body,
    [property: Id(5)] string? StepKey,
    [property: Id(6)] DateTimeOffset CreatedAt);
