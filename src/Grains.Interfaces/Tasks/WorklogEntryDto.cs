namespace FluidManager.Grains.Interfaces.Tasks;

public sealed record WorklogEntryDto(
    long Id,
    long TaskId,
    long? AgentId,
    WorklogVisibility Visibility,
    string Body,
    string? StepKey,
    DateTimeOffset CreatedAt);
