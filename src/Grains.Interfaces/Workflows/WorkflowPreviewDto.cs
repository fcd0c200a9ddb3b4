using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>How a template reads with given inputs: the inputs with their defaults, and each step's title and brief.</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowPreviewDto")]
public sealed record WorkflowPreviewDto(
    [property: Id(0)] long Version,
    [property: Id(1)] JsonElement Inputs,
    [property: Id(2)] IReadOnlyList<WorkflowStepPreviewDto> Steps);
