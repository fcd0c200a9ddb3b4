using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluidManager.Scenarios;

/// <summary>
/// A scenario file (see scenarios/README.md): a company's agents, its org chart, the CEO's missions,
/// steps played in order (delegations, task commands, escalations) and expectations checked at the
/// end. Agents and tasks are named by <c>ref</c>s that later entries use.
/// </summary>
public sealed record Scenario
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public ScenarioCompany? Company { get; init; }

    public IReadOnlyList<ScenarioAgent> Agents { get; init; } = [];

    /// <summary>Manager ref ("ceo" for the CEO seat) → refs of its direct reports.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Org { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyList<ScenarioMission> Missions { get; init; } = [];

    public IReadOnlyList<ScenarioSchedule> Schedules { get; init; } = [];

    public IReadOnlyList<ScenarioStep> Steps { get; init; } = [];

    public IReadOnlyList<ScenarioExpectation> Expect { get; init; } = [];

    /// <summary>Free text for the reader; ignored.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// The company the scenario describes; <see cref="Name"/> is used when the CLI creates a new company for it.
/// <see cref="Import"/> names a company document (<c>GET /api/company/export</c>), relative to the scenario
/// file: it is imported before anything else, and its agents' references (<c>agent-1</c>…) become agent refs.
/// </summary>
public sealed record ScenarioCompany
{
    public string? Name { get; init; }

    public string? Import { get; init; }

    /// <summary>The text of the <see cref="Import"/> document, read with the scenario.</summary>
    [JsonIgnore]
    public string? ImportedDocument { get; init; }

    /// <summary>The agent references of the <see cref="Import"/> document.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ImportedAgents { get; init; } = [];

    public string? Note { get; init; }
}

/// <summary>
/// An agent: its <see cref="Ref"/>, optional <see cref="Status"/> (active, paused, archived), and
/// every other property is its profile exactly as <c>POST /api/agents</c> takes it (firstName,
/// lastName, role, department, seniority, bio, affinities, systemPrompt, styleGuidelines, model,
/// allowedTools, limits).
/// </summary>
public sealed record ScenarioAgent
{
    public required string Ref { get; init; }

    public string? Status { get; init; }

    public string? Note { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement> Profile { get; init; } = [];
}

/// <summary>A task the CEO gives to an agent (<see cref="To"/>); <see cref="From"/> is always "ceo".</summary>
public sealed record ScenarioMission
{
    public string? Ref { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public required string To { get; init; }

    public string From { get; init; } = ScenarioRefs.Ceo;

    public string? Project { get; init; }

    /// <summary>low, normal, high or urgent.</summary>
    public string? Priority { get; init; }

    /// <summary>A deadline this many days after the scenario is played.</summary>
    public double? DeadlineInDays { get; init; }

    public DateTimeOffset? DeadlineAt { get; init; }

    public string? Note { get; init; }
}

/// <summary>
/// A cyclic task: every <see cref="IntervalMinutes"/>, or on a Quartz <see cref="Cron"/> expression in
/// <see cref="TimeZone"/> (exactly one of the two), each firing creates <see cref="Task"/> for agent <see cref="Agent"/>.
/// </summary>
public sealed record ScenarioSchedule
{
    public required string Name { get; init; }

    public required string Agent { get; init; }

    public int? IntervalMinutes { get; init; }

    public string? Cron { get; init; }

    /// <summary>An IANA time zone for <see cref="Cron"/>; UTC when absent.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Created paused: it fires only once resumed.</summary>
    public bool? Paused { get; init; }

    public required ScenarioScheduledTask Task { get; init; }

    public string? Note { get; init; }
}

/// <summary>The task each firing of a schedule creates.</summary>
public sealed record ScenarioScheduledTask
{
    public required string Title { get; init; }

    public string? Description { get; init; }

    public string? Project { get; init; }

    /// <summary>low, normal, high or urgent.</summary>
    public string? Priority { get; init; }

    /// <summary>Each created task is due this many minutes after it was created.</summary>
    public int? DeadlineAfterMinutes { get; init; }

    /// <summary>A mailbox check: each firing lists the new mail of the company's mailbox in the task, when one is configured.</summary>
    public bool? CheckMailbox { get; init; }
}

/// <summary>
/// One step, by its verb <see cref="Do"/>: delegate (as agent <see cref="From"/> to agent
/// <see cref="To"/>, under task <see cref="Parent"/>), createTask, assign, start, pause, resume,
/// block, unblock, complete, fail, cancel, retry, priority, deadline, comment, escalate, meeting
/// (with <see cref="Participants"/>, held until its minutes are written). With
/// <see cref="ExpectError"/> the step must be refused that way (it counts as an expectation).
/// </summary>
public sealed record ScenarioStep
{
    public required string Do { get; init; }

    /// <summary>Names the task a delegate or createTask step creates, or the meeting a meeting step holds.</summary>
    public string? Ref { get; init; }

    /// <summary>The agent acting (delegate, escalate).</summary>
    public string? From { get; init; }

    /// <summary>The agent receiving the work (delegate, createTask, assign), or whose memory a remember step writes to.</summary>
    public string? To { get; init; }

    /// <summary>The task a command acts on (or an escalation is about).</summary>
    public string? Task { get; init; }

    /// <summary>The parent task of the task a delegate or createTask step creates.</summary>
    public string? Parent { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Project { get; init; }

    public string? Priority { get; init; }

    public double? DeadlineInDays { get; init; }

    public DateTimeOffset? DeadlineAt { get; init; }

    public string? Reason { get; init; }

    public string? Result { get; init; }

    public bool? Cascade { get; init; }

    /// <summary>A comment's text, an escalation's body, or what a remember step writes to the agent's memory.</summary>
    public string? Body { get; init; }

    /// <summary>What a remember step writes: "fact" (default) or "lesson".</summary>
    public string? Kind { get; init; }

    /// <summary>An escalation's subject.</summary>
    public string? Subject { get; init; }

    /// <summary>A meeting's goal.</summary>
    public string? Goal { get; init; }

    /// <summary>A meeting's agenda items, in order.</summary>
    public IReadOnlyList<string>? Agenda { get; init; }

    /// <summary>The agent refs taking part in a meeting, in speaking order.</summary>
    public IReadOnlyList<string>? Participants { get; init; }

    /// <summary>A meeting's number of rounds (each participant speaks once per round); without it or <see cref="MaxTokens"/>, three.</summary>
    public int? MaxRounds { get; init; }

    /// <summary>A meeting ends once its conversation has used this many tokens.</summary>
    public long? MaxTokens { get; init; }

    /// <summary>A meeting's largest spend, USD.</summary>
    public decimal? Budget { get; init; }

    /// <summary>The model writing a meeting's minutes; default: the first participant's.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// What becomes of a meeting's calls to action: "review" (default, as in the Api: they stay
    /// proposed for the CEO) or "auto" (dispatched as tasks as soon as the minutes are written).
    /// </summary>
    public string? Dispatch { get; init; }

    /// <summary>Seconds a meeting step waits for the minutes. Default 120.</summary>
    public double? Within { get; init; }

    /// <summary>The meeting whose proposed calls to action a dispatch step sends out as tasks.</summary>
    public string? Meeting { get; init; }

    public ScenarioExpectedError? ExpectError { get; init; }

    public string? Note { get; init; }
}

/// <summary>How a step must be refused: an HTTP status, a problem code, a rule (each optional).</summary>
public sealed record ScenarioExpectedError
{
    public int? Status { get; init; }

    public string? Code { get; init; }

    public string? Rule { get; init; }
}

/// <summary>
/// A check, by <see cref="Type"/>: taskStatus (task reaches status within seconds), meetingStatus
/// (meeting reaches status within seconds), delegationRefused (from → to is refused, optionally by
/// rule), canAssign (the policy's answer), event (an event type appears on a stream), count (of
/// agents, tasks, edges, rules, inbox, events, meetings or ctas, with filters).
/// </summary>
public sealed record ScenarioExpectation
{
    public required string Type { get; init; }

    public string? Task { get; init; }

    /// <summary>For meetingStatus, and for a count of calls to action: the meeting's ref.</summary>
    public string? Meeting { get; init; }

    public string? Status { get; init; }

    /// <summary>Seconds to wait for taskStatus, meetingStatus, event and count to hold. Default 15.</summary>
    public double? Within { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string? Rule { get; init; }

    public bool? Allowed { get; init; }

    /// <summary>"company", "task:&lt;ref&gt;", "agent:&lt;ref&gt;", "meeting:&lt;ref&gt;" (or a literal stream such as "task:42").</summary>
    public string? Stream { get; init; }

    public string? EventType { get; init; }

    /// <summary>For count: agents, tasks, edges, rules, inbox, events, meetings or ctas.</summary>
    public string? Of { get; init; }

    /// <summary>For a task count: the assignee's ref.</summary>
    public string? Assignee { get; init; }

    /// <summary>For a task count: the parent task's ref.</summary>
    public string? Parent { get; init; }

    public string? Project { get; init; }

    [JsonPropertyName("equals")]
    public long? EqualTo { get; init; }

    public long? AtLeast { get; init; }

    public long? AtMost { get; init; }

    public string? Note { get; init; }
}

/// <summary>Reserved refs.</summary>
public static class ScenarioRefs
{
    /// <summary>The CEO seat (org chart) and the CEO as the giver of missions.</summary>
    public const string Ceo = "ceo";

    /// <summary>The company's own stream in event expectations.</summary>
    public const string Company = "company";

    /// <summary>The task ref of a meeting's call to action, once dispatched: "q3.cta1" for the first call of meeting "q3".</summary>
    public static string CallToAction(string meetingRef, int position) =>
        $"{meetingRef}.cta{position.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
