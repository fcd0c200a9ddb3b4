namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>An arrow of the workflow graph: <c>To</c> requires <c>From</c> (kind "requires"), or <c>To</c> compensates <c>From</c> (kind "compensates").</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowEdgeDto")]
public sealed record WorkflowEdgeDto(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] string Kind);
