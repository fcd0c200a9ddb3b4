using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>Creates a workflow template, or saves a new version of one.</summary>
[GenerateSerializer]
[Alias("fm.workflows.SaveWorkflowCommand")]
public sealed record SaveWorkflowCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    /// <summary>The template: <c>{ "description", "inputs": { name: { type, default, required } }, "steps": [...] }</c>.</summary>
    [Id(2)]
    public required JsonElement Definition { get; init; }

    /// <summary>On update: the version the caller read (412 when another save came first).</summary>
    [Id(3)]
    public long? ExpectedVersion { get; init; }
}
