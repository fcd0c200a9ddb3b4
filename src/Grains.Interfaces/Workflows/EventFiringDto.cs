namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>
/// What an event trigger made of an event: <see cref="Outcome"/> is started (with the run or task), skipped (the
/// condition did not hold), limited (depth or rate), failed (with the error) or none (not a trigger for it: disabled,
/// deleted, another type or company). <see cref="Duplicate"/> when the event had been decided before.
/// </summary>
[GenerateSerializer]
[Alias("fm.workflows.EventFiringDto")]
public sealed record EventFiringDto(
    [property: Id(0)] string Outcome,
    [property: Id(1)] long? RunId,
    [property: Id(2)] long? TaskId,
    [property: Id(3)] string? Error,
    [property: Id(4)] int Depth,
    [property: Id(5)] bool Duplicate);
