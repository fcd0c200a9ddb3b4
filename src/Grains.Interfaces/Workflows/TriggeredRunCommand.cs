using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>Starts a run for a trigger's delivery: a delivery already started returns its run instead of a second one.</summary>
[GenerateSerializer]
[Alias("fm.workflows.TriggeredRunCommand")]
public sealed record TriggeredRunCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long TriggerId { get; init; }

    /// <summary>The sender's delivery id, remembered per trigger.</summary>
    [Id(2)]
    public required string DeliveryId { get; init; }

    /// <summary>The run's inputs (bound to the template's declared inputs; a wrong one is a validation error).</summary>
    [Id(3)]
    public JsonElement? Inputs { get; init; }

    /// <summary>The event that fired an event trigger (null for a webhook delivery): recorded on the firing, unique per trigger.</summary>
    [Id(4)]
    public long? EventPosition { get; init; }

    [Id(5)]
    public string? EventType { get; init; }

    /// <summary>How many trigger firings led to this run, this one included.</summary>
    [Id(6)]
    public int Depth { get; init; } = 1;
}
