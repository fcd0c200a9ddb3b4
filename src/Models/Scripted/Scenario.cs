using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluidManager.Models.Scripted;

/// <summary>
/// A scripted conversation for tests and demos: prepared answers, each used once (unless
/// <see cref="ScenarioTurn.Repeat"/>), picked by what the request is about. File format (JSON):
/// <code>
/// { "name": "launch",
///   "turns": [
///     { "agent": "Ada", "task": "Launch",
///       "text": "Splitting the launch.",
///       "toolCalls": [ { "name": "delegate_task", "arguments": { "to_agent_id": 8, "title": "Write the post" } } ],
///       "usage": { "inputTokens": 420, "outputTokens": 38 } },
///     { "role": "Copywriter", "lastMessage": "approved", "repeat": true,
///       "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Posted." } } ] } ] }
/// </code>
/// A turn matches when every condition it sets is a case-insensitive substring of: <c>agent</c> the agent's
/// name, <c>role</c> its role and department, <c>task</c> the task title (from the <see cref="AgentContext"/>
/// block; without one, the system prompt for agent and role and the user messages for task), <c>lastMessage</c>
/// the last message of the conversation. The first unused matching turn, in file order, answers. Without
/// <c>usage</c>, tokens are counted with the <c>o200k_base</c> tokenizer; <c>finishReason</c> defaults to <c>tool_calls</c> when the
/// turn calls tools, else <c>stop</c>. <c>delayMs</c> makes the answer take that long.
/// </summary>
public sealed record Scenario
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public required string Name { get; init; }

    public IReadOnlyList<ScenarioTurn> Turns { get; init; } = [];

    /// <summary>Reads a scenario file; its name defaults to the file name without extension.</summary>
    public static Scenario Load(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        try
        {
            return Parse(File.ReadAllText(path), name);
        }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"{ModelsOptions.Section}:Scripted:ScenarioPath", $"Scenario file '{path}' is not valid: {e.Message}");
        }
    }

    /// <summary>Reads a scenario from JSON text; <paramref name="defaultName"/> applies when the JSON has no name.</summary>
    public static Scenario Parse(string json, string defaultName)
    {
        var file = JsonSerializer.Deserialize<ScenarioFile>(json, Json) ?? new ScenarioFile();
        return new Scenario { Name = string.IsNullOrWhiteSpace(file.Name) ? defaultName : file.Name, Turns = file.Turns ?? [] };
    }

    private sealed record ScenarioFile
    {
        public string? Name { get; init; }

        public List<ScenarioTurn>? Turns { get; init; }
    }
}

/// <summary>One prepared answer and the conditions under which it is given.</summary>
public sealed record ScenarioTurn
{
    /// <summary>Substring of the agent's name.</summary>
    public string? Agent { get; init; }

    /// <summary>Substring of the agent's role or department.</summary>
    public string? Role { get; init; }

    /// <summary>Substring of the task title.</summary>
    public string? Task { get; init; }

    /// <summary>Substring of the conversation's last message.</summary>
    public string? LastMessage { get; init; }

    /// <summary>Whether the turn may answer more than once. Default false: used once.</summary>
    public bool Repeat { get; init; }

    public string? Text { get; init; }

    public IReadOnlyList<ScenarioToolCall> ToolCalls { get; init; } = [];

    public ScenarioUsage? Usage { get; init; }

    /// <summary>How long the answer takes, in milliseconds (cancellable): lets a test act while a call is in flight.</summary>
    public int DelayMs { get; init; }

    public ScenarioFinishReason? FinishReason { get; init; }

    /// <summary>The conditions, for error messages.</summary>
    public override string ToString()
    {
        var conditions = new[] { ("agent", Agent), ("role", Role), ("task", Task), ("lastMessage", LastMessage) }
            .Where(c => !string.IsNullOrEmpty(c.Item2))
            .Select(c => $"{c.Item1}~'{c.Item2}'")
            .ToList();
        return conditions.Count == 0 ? "(any request)" : string.Join(", ", conditions);
    }
}

/// <summary>A prepared tool call; <see cref="Arguments"/> is a JSON object (or a string holding JSON).</summary>
public sealed record ScenarioToolCall
{
    public string? Id { get; init; }

    public required string Name { get; init; }

    public JsonElement Arguments { get; init; }
}

/// <summary>Prepared token counts.</summary>
public sealed record ScenarioUsage(int InputTokens, int OutputTokens);

/// <summary>The finish reason a scenario turn may set (<c>stop</c>, <c>tool_calls</c>, <c>length</c>, <c>content_filter</c>).</summary>
public enum ScenarioFinishReason
{
    Stop,
    ToolCalls,
    Length,
    ContentFilter,
}
