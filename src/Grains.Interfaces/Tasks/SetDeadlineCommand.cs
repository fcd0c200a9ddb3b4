namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Sets the deadline, or clears it when <see cref="DeadlineAt"/> is null.</summary>
[GenerateSerializer]
[Alias("fm.tasks.SetDeadlineCommand")]
public sealed record SetDeadlineCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] DateTimeOffset? DeadlineAt,
    [property: Id(2)] long? ExpectedVersion = null);
