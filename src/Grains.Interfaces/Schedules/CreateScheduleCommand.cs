namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Creates a cyclic task: a template fired for one agent on a timing.</summary>
[GenerateSerializer]
[Alias("fm.schedules.CreateScheduleCommand")]
public sealed record CreateScheduleCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    [Id(2)]
    public required long AgentId { get; init; }

    [Id(3)]
    public required TaskTemplate Template { get; init; }

    [Id(4)]
    public required ScheduleTiming Timing { get; init; }

    /// <summary>Create it paused (it fires only once resumed).</summary>
    [Id(5)]
    public bool Paused { get; init; }

    /// <summary>When set, each firing starts a run of this workflow (with <see cref="WorkflowInputs"/>) instead of creating a task from the template.</summary>
    [Id(6)]
    public long? WorkflowId { get; init; }

    /// <summary>The inputs of the runs a workflow schedule starts (checked against the workflow's declared inputs).</summary>
    [Id(7)]
    public System.Text.Json.JsonElement? WorkflowInputs { get; init; }
}
