namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Replaces a schedule's name, agent, template and timing; the next firing is recomputed.</summary>
[GenerateSerializer]
[Alias("fm.schedules.UpdateScheduleCommand")]
public sealed record UpdateScheduleCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public long? ExpectedVersion { get; init; }

    [Id(2)]
    public required string Name { get; init; }

    [Id(3)]
    public required long AgentId { get; init; }

    [Id(4)]
    public required TaskTemplate Template { get; init; }

    [Id(5)]
    public required ScheduleTiming Timing { get; init; }

    /// <summary>When set, each firing starts a run of this workflow (with <see cref="WorkflowInputs"/>) instead of creating a task from the template.</summary>
    [Id(6)]
    public long? WorkflowId { get; init; }

    /// <summary>The inputs of the runs a workflow schedule starts (checked against the workflow's declared inputs).</summary>
    [Id(7)]
    public System.Text.Json.JsonElement? WorkflowInputs { get; init; }
}
