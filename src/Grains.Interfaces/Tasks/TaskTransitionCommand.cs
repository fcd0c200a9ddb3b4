namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A status command (start, pause, resume, block, unblock, approve, reject, fail, retry) with an optional reason.</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskTransitionCommand")]
public sealed record TaskTransitionCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long? ExpectedVersion = null,
    [property: Id(2)] string? Reason = null);
