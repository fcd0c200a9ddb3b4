namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Deletes a done or cancelled task; its event log keeps a tombstone and its costs stay counted.</summary>
[GenerateSerializer]
[Alias("fm.tasks.DeleteTaskCommand")]
public sealed record DeleteTaskCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long? ExpectedVersion = null);
