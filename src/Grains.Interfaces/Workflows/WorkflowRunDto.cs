using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A workflow run: its status (running, paused, compensating, completed, failed, cancelled), inputs, steps and cost.</summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowRunDto")]
public sealed record WorkflowRunDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long WorkflowId,
    [property: Id(3)] long WorkflowVersion,
    [property: Id(4)] string Status,
    [property: Id(5)] JsonElement Inputs,
    [property: Id(6)] string? Error,
    [property: Id(7)] decimal Cost,
    [property: Id(8)] string StartedBy,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] IReadOnlyList<WorkflowRunStepDto> Steps);
