using System.Text.Json;

namespace FluidManager.Models;

/// <summary>Who wrote a message of a conversation.</summary>
public enum ChatRole
{
    System,
    User,
    Assistant,
    Tool,
}

/// <summary>
/// One message of a conversation. Assistant messages may carry <see cref="ToolCalls"/>; a tool
/// message answers one of them and names it in <see cref="ToolCallId"/>.
/// </summary>
public sealed record ChatMessage
{
    public required ChatRole Role { get; init; }

    public string Content { get; init; } = "";

    /// <summary>The tools the assistant asked to run (assistant messages only).</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>The <see cref="ToolCall.Id"/> a tool message answers (tool messages only).</summary>
    public string? ToolCallId { get; init; }

    public static ChatMessage System(string content) => new() { Role = ChatRole.System, Content = content };

    public static ChatMessage User(string content) => new() { Role = ChatRole.User, Content = content };

    public static ChatMessage Assistant(string content, IReadOnlyList<ToolCall>? toolCalls = null) =>
        new() { Role = ChatRole.Assistant, Content = content, ToolCalls = toolCalls ?? [] };

    public static ChatMessage Tool(string toolCallId, string content) =>
        new() { Role = ChatRole.Tool, Content = content, ToolCallId = toolCallId };
}

/// <summary>A tool the model asked to run: <paramref name="Arguments"/> is the JSON text the model wrote.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    /// <summary>The arguments as JSON, or false when the model wrote something that is not a JSON object.</summary>
    public bool TryParseArguments(out JsonElement arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(Arguments) ? "{}" : Arguments);
            arguments = document.RootElement.Clone();
            return arguments.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            arguments = default;
            return false;
        }
    }
}

/// <summary>A tool offered to the model: its name, what it does and the JSON schema of its arguments.</summary>
public sealed record ToolDefinition(string Name, string Description, JsonElement Parameters)
{
    /// <summary>Builds a definition from a JSON schema written as text.</summary>
    public static ToolDefinition Create(string name, string description, string jsonSchema)
    {
        using var document = JsonDocument.Parse(jsonSchema);
        return new ToolDefinition(name, description, document.RootElement.Clone());
    }
}
