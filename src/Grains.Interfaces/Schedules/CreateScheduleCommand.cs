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
}
