namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>An event that could not start the trigger's run or task after its attempts.</summary>
[GenerateSerializer]
[Alias("fm.workflows.FailedFiringCommand")]
public sealed record FailedFiringCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long Position { get; init; }

    [Id(2)]
    public required string Type { get; init; }

    [Id(3)]
    public required string Error { get; init; }

    [Id(4)]
    public required int Attempts { get; init; }
}
