namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>Replaces a schedule's name, agent, template and timing; the next firing is recomputed.</summary>
public sealed record UpdateScheduleCommand
{
    public required long CompanyId { get; init; }

    public long? ExpectedVersion { get; init; }

    public required string Name { get; init; }

    public required long AgentId { get; init; }

    public required TaskTemplate Template { get; init; }

    public required ScheduleTiming Timing { get; init; }
}
