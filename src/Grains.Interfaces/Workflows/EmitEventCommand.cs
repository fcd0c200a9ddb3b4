using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A custom event an agent emits: a name (lowercase letters, digits, _ and .) and a JSON object payload.</summary>
[GenerateSerializer]
[Alias("fm.workflows.EmitEventCommand")]
public sealed record EmitEventCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long AgentId { get; init; }

    [Id(2)]
    public long? TaskId { get; init; }

    /// <summary>The name after <c>custom.</c>, such as <c>lead_qualified</c> (the prefix may be given).</summary>
    [Id(3)]
    public required string Name { get; init; }

    [Id(4)]
    public JsonElement? Payload { get; init; }
}
