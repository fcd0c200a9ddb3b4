namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Creates a cyclic task: a template fired for one agent on a timing.</summary>
public sealed record CreateScheduleCommand
{
    public required long CompanyId { get; init; }

    public required string Name { get; init; }

    public required long AgentId { get; init; }

    public required TaskTemplate Template { get; init; }

    public required ScheduleTiming Timing { get; init; }

    /// <summary>Create it paused (it fires only once resumed).</summary>
    public bool Paused { get; init; }
}
