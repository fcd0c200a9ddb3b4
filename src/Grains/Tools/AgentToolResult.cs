using System.Text.Json;

namespace FluidManager.Grains.Tools;

/// <summary>
/// What a tool call returns: <see cref="Text"/> for the model to read, <see cref="Metadata"/> for the
/// trace (citations, audit ids, row counts), and the refusal's <see cref="Reason"/> when denied.
/// </summary>
public sealed record AgentToolResult(AgentToolStatus Status, string Text, JsonElement? Metadata = null, string? Reason = null)
{
    /// <summary>How long the tool took, set by the activity that ran it.</summary>
    public long? DurationMs { get; init; }

    public bool Allowed => Status != AgentToolStatus.Denied;

    public static AgentToolResult Ok(string text, JsonElement? metadata = null) => new(AgentToolStatus.Ok, text, metadata);

    public static AgentToolResult Denied(string reason, JsonElement? metadata = null) => new(AgentToolStatus.Denied, "denied: " + reason, metadata, reason);

    public static AgentToolResult Error(string reason, JsonElement? metadata = null) => new(AgentToolStatus.Error, "error: " + reason, metadata, reason);
}
