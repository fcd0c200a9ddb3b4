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
}
