using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>
/// One step of a run: status (pending, waiting, running, completed, failed, skipped, cancelled), the attempt and task
/// of its latest try, its result (the structured result when it has an output schema), error and cost (all attempts).
/// </summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowRunStepDto")]
public sealed record WorkflowRunStepDto(
    [property: Id(0)] string Key,
    [property: Id(1)] string Status,
    [property: Id(2)] int Attempt,
    [property: Id(3)] long? TaskId,
    [property: Id(4)] long? AgentId,
    [property: Id(5)] JsonElement? Result,
    [property: Id(6)] string? Error,
    [property: Id(7)] decimal Cost,
    [property: Id(8)] IReadOnlyList<long> TaskIds,
    [property: Id(9)] DateTimeOffset? RetryAt,
    [property: Id(10)] DateTimeOffset? StartedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] bool IsCompensation);
