namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Cancels a task; with <see cref="Cascade"/>, its open subtasks (and theirs) are cancelled too, each in a turn of its own right after.</summary>
[GenerateSerializer]
[Alias("fm.tasks.CancelTaskCommand")]
public sealed record CancelTaskCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] bool Cascade = false,
    [property: Id(2)] long? ExpectedVersion = null,
    [property: Id(3)] string? Reason = null);
