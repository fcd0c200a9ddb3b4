using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace FluidManager.Models;

/// <summary>
/// The block a meeting puts in the system message of each model call, between <c>&lt;fluid-meeting&gt;</c>
/// and <c>&lt;/fluid-meeting&gt;</c>: one JSON object with snake_case keys. <c>mode</c> is <c>turn</c> (a
/// participant speaks) or <c>minutes</c> (the synthesis: the answer must be the minutes as JSON, see
/// <see cref="MinutesSchema"/>). <c>candidates</c> are the agents a call to action may name as owner:
/// the participants and everyone under them (<c>level</c> 0 for a participant, 1 for a direct report…).
/// The offline model writes valid minutes from it; real models read it as text.
/// </summary>
public sealed record MeetingContext
{
    public const string StartTag = "<fluid-meeting>";
    public const string EndTag = "</fluid-meeting>";
    public const string TurnMode = "turn";
    public const string MinutesMode = "minutes";

    /// <summary>The answer a synthesis must give: one JSON object, nothing around it.</summary>
    public const string MinutesSchema = """
        {"summary": "what was discussed and concluded, 1-5 sentences",
         "decisions": ["one decision per item"],
         "risks": ["one risk per item"],
         "open_questions": ["one question per item"],
         "calls_to_action": [{"title": "short imperative title", "description": "what to do",
           "owner_agent_id": 7, "due_date": "YYYY-MM-DD", "priority": "low|normal|high|urgent",
           "rationale": "why, and who raised it", "decision": 1}]}
        """;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Mode { get; init; } = TurnMode;

    public required MeetingRef Meeting { get; init; }

    public IReadOnlyList<MeetingAgentRef> Participants { get; init; } = [];

    public IReadOnlyList<MeetingAgentRef> Candidates { get; init; } = [];

    /// <summary>Today's date (YYYY-MM-DD), so due dates are in the future.</summary>
    public string Today { get; init; } = "";

    public string ToPromptBlock() => PromptBlock.Write(this, StartTag, EndTag, Json);

    /// <summary>The block in the system messages; null when there is none or it is not valid.</summary>
    public static MeetingContext? Find(IReadOnlyList<ChatMessage> messages) => PromptBlock.Find<MeetingContext>(messages, StartTag, EndTag, Json);
}

/// <summary>The meeting in a <see cref="MeetingContext"/>.</summary>
public sealed record MeetingRef(long Id, string Title, string Goal, IReadOnlyList<string> Agenda);

/// <summary>An agent in a <see cref="MeetingContext"/>: <see cref="Level"/> 0 is a participant, more is below one.</summary>
public sealed record MeetingAgentRef(long Id, string Name, string Role, string Department, int Level = 0, long? ManagerId = null);
