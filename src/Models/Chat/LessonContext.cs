using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// The block a lesson request puts in its system message, between <c>&lt;fluid-lesson&gt;</c> and
/// <c>&lt;/fluid-lesson&gt;</c>: one JSON object with snake_case keys naming the agent, the task, what the agent
/// produced (<c>output</c>) and a person's feedback on it (<c>feedback.kind</c> is <c>rejection</c>, <c>retry</c>
/// or <c>comment</c>; <c>feedback.action</c> is what a rejection refused). The answer must be <see cref="AnswerSchema"/>:
/// one short lesson, or <c>null</c> when the feedback teaches nothing. The offline model answers from the block;
/// real models read it as text.
/// </summary>
public sealed record LessonContext
{
    public const string StartTag = "<fluid-lesson>";
    public const string EndTag = "</fluid-lesson>";

    /// <summary>The answer a lesson request expects: one JSON object, nothing around it.</summary>
    public const string AnswerSchema = """{"lesson": "one short sentence the agent should apply on similar tasks, or null when the feedback teaches nothing"}""";

    /// <summary>Longest lesson kept from an answer, in characters.</summary>
    public const int MaxLessonLength = 1000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required LessonAgentRef Agent { get; init; }

    public required LessonTaskRef Task { get; init; }

    /// <summary>What the agent produced: the task's result, or how it ended; null when nothing yet.</summary>
    public string? Output { get; init; }

    public required LessonFeedback Feedback { get; init; }

    public string ToPromptBlock() => PromptBlock.Write(this, StartTag, EndTag, Json);

    /// <summary>The block in the system messages; null when there is none or it is not valid.</summary>
    public static LessonContext? Find(IReadOnlyList<ChatMessage> messages) => PromptBlock.Find<LessonContext>(messages, StartTag, EndTag, Json);

    /// <summary>The answer of the offline model (or any writer): <c>{"lesson": …}</c>.</summary>
    public static string Answer(string? lesson) => new JsonObject { ["lesson"] = lesson }.ToJsonString();

    /// <summary>
    /// Reads a model's answer: true with the lesson (null for "nothing to learn") when the answer is a JSON object
    /// with a <c>lesson</c> that is a string or null; false when the answer is not in that shape.
    /// </summary>
    public static bool TryParseAnswer(string? answer, out string? lesson)
    {
        lesson = null;
        if (StructuredOutput.Extract(answer) is not JsonObject json || !json.TryGetPropertyValue("lesson", out var value))
        {
            return false;
        }

        if (value is null)
        {
            return true;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var text = value.GetValue<string>().ReplaceLineEndings(" ").Trim();
        if (text.Length == 0 || text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        lesson = text.Length <= MaxLessonLength ? text : text[..(MaxLessonLength - 1)] + "…";
        return true;
    }
}

/// <summary>The agent in a <see cref="LessonContext"/>.</summary>
public sealed record LessonAgentRef(long Id, string Name, string Role, string Department);

/// <summary>The task in a <see cref="LessonContext"/>.</summary>
public sealed record LessonTaskRef(long Id, string Title, string Description);

/// <summary>A person's feedback in a <see cref="LessonContext"/>: its kind (<c>rejection</c>, <c>retry</c>, <c>comment</c>), its words, who gave it and, for a rejection, what was refused.</summary>
public sealed record LessonFeedback(string Kind, string Text, string From, string? Action = null);
