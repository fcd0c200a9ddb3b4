namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Changes an open task's title and/or description (null leaves a field as it is).</summary>
[GenerateSerializer]
[Alias("fm.tasks.EditTaskCommand")]
public sealed record EditTaskCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Description,
    [property: Id(3)] long? ExpectedVersion = null);
