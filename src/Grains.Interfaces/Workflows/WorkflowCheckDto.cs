namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A definition that passed the checks: its steps in layers (each layer needs only the ones before it), for a DAG picture.</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowCheckDto")]
public sealed record WorkflowCheckDto(
    [property: Id(0)] IReadOnlyList<IReadOnlyList<string>> Layers,
    [property: Id(1)] IReadOnlyList<WorkflowEdgeDto> Edges,
    [property: Id(2)] IReadOnlyList<string> Inputs);
