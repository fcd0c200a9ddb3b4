using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A committed event offered to an event trigger.</summary>
[GenerateSerializer]
[Alias("fm.workflows.EventFiringCommand")]
public sealed record EventFiringCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    /// <summary>The event's position in the log: with the trigger, what makes a firing unique.</summary>
    [Id(1)]
    public required long Position { get; init; }

    [Id(2)]
    public required string Stream { get; init; }

    [Id(3)]
    public required string Type { get; init; }

    [Id(4)]
    public required JsonElement Payload { get; init; }

    /// <summary>The attempt this is (1 for the first).</summary>
    [Id(5)]
    public int Attempt { get; init; } = 1;
}
