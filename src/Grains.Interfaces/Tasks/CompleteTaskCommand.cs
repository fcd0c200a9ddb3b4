namespace FluidManager.Grains.Interfaces.Tasks;

[GenerateSerializer]
[Alias("fm.tasks.CompleteTaskCommand")]
public sealed record CompleteTaskCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string? Result = null,
    [property: Id(2)] long? ExpectedVersion = null);
