using System.Text.Json;

namespace FluidManager.Scenarios;

/// <summary>A task to create, with every ref resolved to an id.</summary>
public sealed record ScenarioTaskSpec(
    string Title,
    string? Description,
    string? Project,
    string? Priority,
    DateTimeOffset? DeadlineAt,
    long? AssigneeAgentId,
    long? ParentTaskId);

/// <summary>A schedule to create, with its agent ref resolved.</summary>
public sealed record ScenarioScheduleSpec(
    string Name,
    long AgentId,
    int? IntervalMinutes,
    string? Cron,
    string? TimeZone,
    bool Paused,
    ScenarioScheduledTask Task);

/// <summary>A task command (a step other than delegate, createTask and escalate), with refs resolved.</summary>
public sealed record ScenarioTaskCommand(
    string Verb,
    long TaskId,
    long? AgentId,
    string? Reason,
    string? Result,
    bool Cascade,
    string? Priority,
    DateTimeOffset? DeadlineAt,
    string? Body);

/// <summary>A meeting to create and start, with its participants' refs resolved (see <c>POST /api/meetings</c>).</summary>
public sealed record ScenarioMeetingSpec(
    string Title,
    string? Goal,
    IReadOnlyList<string> Agenda,
    IReadOnlyList<long> ParticipantAgentIds,
    int? MaxRounds,
    long? MaxTokens,
    decimal? Budget,
    bool AutoDispatch,
    string? Model);

/// <summary>A call to action of written minutes: its position (1-based), status and, once dispatched, its task.</summary>
public sealed record ScenarioCallToAction(int Position, string Status, long? TaskId);

/// <summary>A refusal as the API reports it: status, problem code and, for policy denials, the rule.</summary>
public sealed class ScenarioActionException(int status, string? code, string? rule, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string? Code { get; } = code;

    public string? Rule { get; } = rule;

    public override string ToString() => $"{Status} {Code}{(Rule is null ? "" : " " + Rule)}: {Message}";
}

/// <summary>
/// What a scenario does to a company. The CLI does it over HTTP; the Api's demo loader through the
/// grains. Refusals are thrown as <see cref="ScenarioActionException"/>.
/// </summary>
public interface IScenarioActions
{
    /// <summary>Hires an agent; placed under <paramref name="managerAgentId"/> (null: the CEO seat) when <paramref name="placed"/>.</summary>
    Task<long> CreateAgentAsync(IReadOnlyDictionary<string, JsonElement> profile, string? status, bool placed, long? managerAgentId, CancellationToken cancellationToken);

    /// <summary>Imports a company document into the (empty) company; returns its agents' references with their new ids.</summary>
    Task<IReadOnlyDictionary<string, long>> ImportCompanyAsync(string document, CancellationToken cancellationToken);

    /// <summary>Creates a task as the CEO (a mission when it has an assignee).</summary>
    Task<long> CreateTaskAsync(ScenarioTaskSpec task, CancellationToken cancellationToken);

    /// <summary>Creates a cyclic task for an agent.</summary>
    Task<long> CreateScheduleAsync(ScenarioScheduleSpec schedule, CancellationToken cancellationToken);

    /// <summary>Agent <paramref name="fromAgentId"/> delegates the task to its assignee, as that agent.</summary>
    Task<long> DelegateAsync(long fromAgentId, ScenarioTaskSpec task, CancellationToken cancellationToken);

    Task EscalateAsync(long fromAgentId, string subject, string? body, long? taskId, CancellationToken cancellationToken);

    /// <summary>Sets an agent's status: active, paused or archived.</summary>
    Task SetAgentStatusAsync(long agentId, string status, CancellationToken cancellationToken);

    Task RunTaskCommandAsync(ScenarioTaskCommand command, CancellationToken cancellationToken);

    /// <summary>Writes a fact or a lesson (<paramref name="kind"/>) to the agent's memory as the CEO (see <c>POST /api/agents/{id}/memory</c>).</summary>
    Task RememberAsync(long agentId, string kind, string content, CancellationToken cancellationToken);

    /// <summary>Creates a meeting as the CEO and starts it; returns its id.</summary>
    Task<long> StartMeetingAsync(ScenarioMeetingSpec meeting, CancellationToken cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="within"/> for the meeting's minutes and returns their calls to
    /// action; throws when the meeting failed or the time is up. Null when this player does not wait
    /// for meetings (the demo loader: the meeting goes on after the play).
    /// </summary>
    Task<IReadOnlyList<ScenarioCallToAction>?> WaitForMinutesAsync(long meetingId, TimeSpan within, CancellationToken cancellationToken);

    /// <summary>
    /// Dispatches the meeting's proposed (and refused) calls to action as the CEO and returns every
    /// call of its minutes. Null when the minutes are not written yet and the calls will be
    /// dispatched as soon as they are (the demo loader, which does not wait for meetings).
    /// </summary>
    Task<IReadOnlyList<ScenarioCallToAction>?> DispatchMeetingAsync(long meetingId, CancellationToken cancellationToken);
}

/// <summary>What expectations read. Only the CLI checks expectations; the demo loader plays without them.</summary>
public interface IScenarioProbe
{
    /// <summary>The company's own stream, such as "company:1".</summary>
    string CompanyStream { get; }

    Task<string> GetTaskStatusAsync(long taskId, CancellationToken cancellationToken);

    Task<string> GetMeetingStatusAsync(long meetingId, CancellationToken cancellationToken);

    /// <summary>Whether the policy lets <paramref name="fromAgentId"/> assign to <paramref name="toAgentId"/>, and the refusing rule.</summary>
    Task<(bool Allowed, string? Rule)> CanAssignAsync(long fromAgentId, long toAgentId, CancellationToken cancellationToken);

    /// <summary>Counts agents, tasks, edges, rules, inbox escalations, events, meetings or calls to action (see <see cref="ScenarioCount"/>).</summary>
    Task<long> CountAsync(ScenarioCount count, CancellationToken cancellationToken);
}

/// <summary>
/// A count expectation with refs resolved: what to count and the filters that apply to it.
/// <see cref="Status"/> filters agents, tasks, rules, meetings and calls to action;
/// <see cref="MeetingId"/> the calls to action (of every meeting when null).
/// </summary>
public sealed record ScenarioCount(string Of, string? Status, long? AssigneeAgentId, long? ParentTaskId, string? Project, string? Stream, string? EventType, long? MeetingId = null);
