using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A workflow template at its current version.</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowDto")]
public sealed record WorkflowDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Description,
    [property: Id(4)] long Version,
    [property: Id(5)] JsonElement Definition,
    [property: Id(6)] int StepCount,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);
