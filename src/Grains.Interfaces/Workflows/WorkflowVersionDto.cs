using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>One saved version of a workflow template.</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowVersionDto")]
public sealed record WorkflowVersionDto(
    [property: Id(0)] long WorkflowId,
    [property: Id(1)] long Version,
    [property: Id(2)] string Name,
    [property: Id(3)] JsonElement Definition,
    [property: Id(4)] DateTimeOffset CreatedAt);
