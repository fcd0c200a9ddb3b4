namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>The run a trigger's delivery started; <see cref="Duplicate"/> when the delivery had already started it.</summary>
[GenerateSerializer]
[Alias("fm.workflows.TriggeredRunDto")]
public sealed record TriggeredRunDto([property: Id(0)] long RunId, [property: Id(1)] bool Duplicate);
