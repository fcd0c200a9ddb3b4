using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// The context block the agent loop puts in the system message (or the first user message) of
/// every conversation. The offline and scripted models read it; real models read it as text.
/// <para>
/// Format: the tags <c>&lt;fluid-context&gt;</c> and <c>&lt;/fluid-context&gt;</c> around one JSON object
/// with snake_case keys, as written by <see cref="ToPromptBlock"/>:
/// </para>
/// <code>
/// &lt;fluid-context&gt;
/// {"agent":{"id":7,"name":"Ada Lovelace","role":"CMO","department":"Marketing"},
///  "task":{"id":42,"title":"Launch the spring campaign","description":"- Write the announcement\n- Plan the ad budget"},
///  "subordinates":[{"id":8,"name":"Bob Stone","role":"Copywriter","department":"Marketing"}],
///  "done_steps":["write_worklog","delegate_task:8"]}
/// &lt;/fluid-context&gt;
/// </code>
/// <list type="bullet">
/// <item><c>agent</c>: the agent doing the work (its role and department shape the offline model's wording).</item>
/// <item><c>task</c>: the task being worked on; its title and description decide what the offline model does.</item>
/// <item><c>subordinates</c>: the agents it may delegate to (direct reports allowed by the hierarchy policy); empty for a leaf agent.</item>
/// <item><c>done_steps</c>: steps already taken in earlier runs of the same task (a conversation restarted after
/// a crash, an approval or a subtask report): tool names from <see cref="StandardTools"/>, optionally followed by
/// <c>:</c> and a detail (<c>delegate_task:8</c>, <c>request_approval:approved</c>, <c>request_approval:rejected</c>,
/// <c>request_approval:pending</c>). Tool calls already in the conversation count as done too.</item>
/// <item><c>lessons</c>: lessons from the agent's memory that the briefing found relevant to this task, most
/// relevant first, each with its memory item id (<c>{"id":12,"text":"..."}</c>); absent when there are none.
/// The offline model follows the first and says so.</item>
/// </list>
/// </summary>
public sealed record AgentContext
{
    public const string StartTag = "<fluid-context>";
    public const string EndTag = "</fluid-context>";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public AgentRef? Agent { get; init; }

    public TaskRef? Task { get; init; }

    public IReadOnlyList<AgentRef> Subordinates { get; init; } = [];

    public IReadOnlyList<string> DoneSteps { get; init; } = [];

    /// <summary>Lessons from memory relevant to the task, most relevant first; null when there are none.</summary>
    public IReadOnlyList<LessonRef>? Lessons { get; init; }

    /// <summary>The block to append to the system message: tags around the JSON.</summary>
    public string ToPromptBlock() => $"{StartTag}\n{JsonSerializer.Serialize(this, Json)}\n{EndTag}";

    /// <summary>The block in the system messages, else in the first user message; null when there is none.</summary>
    public static AgentContext? Find(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages.Where(m => m.Role == ChatRole.System))
        {
            if (TryParse(message.Content, out var context))
            {
                return context;
            }
        }

        var firstUser = messages.FirstOrDefault(m => m.Role == ChatRole.User);
        return firstUser is not null && TryParse(firstUser.Content, out var fromUser) ? fromUser : null;
    }

    /// <summary>Reads the first block in <paramref name="text"/>; false when there is none or its JSON is invalid.</summary>
    public static bool TryParse(string? text, out AgentContext? context)
    {
        context = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var start = text.IndexOf(StartTag, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        start += StartTag.Length;
        var end = text.IndexOf(EndTag, start, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        try
        {
            context = JsonSerializer.Deserialize<AgentContext>(text.AsSpan(start, end - start), Json);
            return context is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>An agent in an <see cref="AgentContext"/>.</summary>
public sealed record AgentRef(long Id, string Name, string Role, string? Department = null);

/// <summary>A task in an <see cref="AgentContext"/>.</summary>
public sealed record TaskRef(long Id, string Title, string Description = "");

/// <summary>A lesson from the agent's memory in an <see cref="AgentContext"/>: the memory item's id and its text.</summary>
public sealed record LessonRef(long Id, string Text);
