using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FluidManager.Scenarios;

namespace FluidManager.Cli;

/// <summary>A scenario played over the Api's HTTP endpoints, the way any script would.</summary>
public sealed class HttpScenarioActions(FluidClient client) : IScenarioActions, IScenarioProbe
{
    /// <summary>How often a meeting step asks whether the minutes are written.</summary>
    private static readonly TimeSpan MeetingPoll = TimeSpan.FromMilliseconds(500);

    public string CompanyStream => "company:" + client.CompanyId.ToString(CultureInfo.InvariantCulture);

    public async Task<long> CreateAgentAsync(IReadOnlyDictionary<string, JsonElement> profile, string? status, bool placed, long? managerAgentId, CancellationToken cancellationToken)
    {
        var agent = await client.SendAsync(HttpMethod.Post, "/api/agents", new { profile, status, placeInOrgChart = placed, managerAgentId }, cancellationToken);
        return agent.GetProperty("id").GetInt64();
    }

    public async Task<IReadOnlyDictionary<string, long>> ImportCompanyAsync(string document, CancellationToken cancellationToken)
    {
        using var body = JsonDocument.Parse(document);
        var report = await client.SendAsync(HttpMethod.Post, "/api/company/import", body.RootElement, cancellationToken);
        return report.GetProperty("agents").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
    }

    public async Task<long> CreateTaskAsync(ScenarioTaskSpec task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var created = await client.SendAsync(HttpMethod.Post, "/api/tasks", new
        {
            title = task.Title,
            description = task.Description,
            project = task.Project,
            priority = task.Priority,
            deadlineAt = task.DeadlineAt,
            assigneeAgentId = task.AssigneeAgentId,
            parentTaskId = task.ParentTaskId,
        }, cancellationToken);
        return created.GetProperty("id").GetInt64();
    }

    public async Task<long> CreateScheduleAsync(ScenarioScheduleSpec schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var created = await client.SendAsync(HttpMethod.Post, "/api/schedules", new
        {
            name = schedule.Name,
            agentId = schedule.AgentId,
            paused = schedule.Paused,
            timing = new { intervalMinutes = schedule.IntervalMinutes, cron = schedule.Cron, timeZone = schedule.TimeZone ?? "UTC" },
            template = new
            {
                title = schedule.Task.Title,
                description = schedule.Task.Description ?? "",
                project = schedule.Task.Project,
                priority = schedule.Task.Priority ?? "normal",
                deadlineAfterMinutes = schedule.Task.DeadlineAfterMinutes,
                checkMailbox = schedule.Task.CheckMailbox ?? false,
            },
        }, cancellationToken);
        return created.GetProperty("id").GetInt64();
    }

    public async Task<long> DelegateAsync(long fromAgentId, ScenarioTaskSpec task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var created = await client.SendAsync(HttpMethod.Post, $"/api/agents/{fromAgentId}/delegate", new
        {
            toAgentId = task.AssigneeAgentId,
            title = task.Title,
            description = task.Description,
            parentTaskId = task.ParentTaskId,
            priority = task.Priority,
            deadlineAt = task.DeadlineAt,
            project = task.Project,
        }, cancellationToken);
        return created.GetProperty("id").GetInt64();
    }

    public Task EscalateAsync(long fromAgentId, string subject, string? body, long? taskId, CancellationToken cancellationToken) =>
        client.SendAsync(HttpMethod.Post, $"/api/agents/{fromAgentId}/escalate", new { subject, body, taskId }, cancellationToken);

    public Task SetAgentStatusAsync(long agentId, string status, CancellationToken cancellationToken) =>
        client.SendAsync(HttpMethod.Put, $"/api/agents/{agentId}/status", new { status }, cancellationToken);

    public Task RunTaskCommandAsync(ScenarioTaskCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var task = $"/api/tasks/{command.TaskId}";
        return command.Verb switch
        {
            "assign" => client.SendAsync(HttpMethod.Post, task + "/assign", new { agentId = command.AgentId }, cancellationToken),
            "complete" => client.SendAsync(HttpMethod.Post, task + "/complete", new { result = command.Result }, cancellationToken),
            "cancel" => client.SendAsync(HttpMethod.Post, task + "/cancel", new { cascade = command.Cascade, reason = command.Reason }, cancellationToken),
            "priority" => client.SendAsync(HttpMethod.Put, task + "/priority", new { priority = command.Priority }, cancellationToken),
            "deadline" => client.SendAsync(HttpMethod.Put, task + "/deadline", new { deadlineAt = command.DeadlineAt }, cancellationToken),
            "comment" => client.SendAsync(HttpMethod.Post, task + "/comments", new { body = command.Body }, cancellationToken),
            _ => client.SendAsync(HttpMethod.Post, $"{task}/{command.Verb}", new { reason = command.Reason }, cancellationToken),
        };
    }

    public Task RememberAsync(long agentId, string kind, string content, CancellationToken cancellationToken) =>
        client.SendAsync(HttpMethod.Post, $"/api/agents/{agentId.ToString(CultureInfo.InvariantCulture)}/memory", new { kind, content }, cancellationToken);

    public async Task<long> StartMeetingAsync(ScenarioMeetingSpec meeting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        var created = await client.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            title = meeting.Title,
            goal = meeting.Goal,
            agenda = meeting.Agenda,
            participantAgentIds = meeting.ParticipantAgentIds,
            maxRounds = meeting.MaxRounds,
            maxTokens = meeting.MaxTokens,
            budget = meeting.Budget,
            autoDispatch = meeting.AutoDispatch,
            model = meeting.Model,
        }, cancellationToken);
        var id = created.GetProperty("id").GetInt64();
        await client.SendAsync(HttpMethod.Post, $"/api/meetings/{id}/start", null, cancellationToken);
        return id;
    }

    /// <summary>Asks for the meeting until it is completed (then reads the minutes) or failed, or the time is up.</summary>
    public async Task<IReadOnlyList<ScenarioCallToAction>?> WaitForMinutesAsync(long meetingId, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var meeting = await client.SendAsync(HttpMethod.Get, $"/api/meetings/{meetingId}", null, cancellationToken);
            var status = meeting.GetProperty("status").GetString();
            if (status == "completed")
            {
                break;
            }

            if (status == "failed")
            {
                var error = meeting.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                throw new ScenarioActionException(0, "scenario.meeting_failed", null, $"meeting {meetingId} failed: {error ?? "no minutes"}");
            }

            if (clock.Elapsed >= within)
            {
                throw new ScenarioActionException(0, "scenario.meeting_timeout", null,
                    $"meeting {meetingId} is still {status} after {within.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (give the step a longer \"within\")");
            }

            await Task.Delay(MeetingPoll, cancellationToken);
        }

        return CallsToAction(await client.SendAsync(HttpMethod.Get, $"/api/meetings/{meetingId}/minutes", null, cancellationToken));
    }

    /// <summary>Dispatches the proposed calls, then reads the minutes back: every call with its status and task.</summary>
    public async Task<IReadOnlyList<ScenarioCallToAction>?> DispatchMeetingAsync(long meetingId, CancellationToken cancellationToken)
    {
        await client.SendAsync(HttpMethod.Post, $"/api/meetings/{meetingId}/dispatch", new { }, cancellationToken);
        return CallsToAction(await client.SendAsync(HttpMethod.Get, $"/api/meetings/{meetingId}/minutes", null, cancellationToken));
    }

    private static List<ScenarioCallToAction> CallsToAction(JsonElement minutes) =>
        [.. minutes.GetProperty("callsToAction").EnumerateArray().Select(c => new ScenarioCallToAction(
            c.GetProperty("position").GetInt32(),
            c.GetProperty("status").GetString() ?? "",
            c.TryGetProperty("taskId", out var task) && task.ValueKind == JsonValueKind.Number ? task.GetInt64() : null))];

    public async Task<string> GetMeetingStatusAsync(long meetingId, CancellationToken cancellationToken) =>
        (await client.SendAsync(HttpMethod.Get, $"/api/meetings/{meetingId}", null, cancellationToken)).GetProperty("status").GetString() ?? "";

    public async Task<string> GetTaskStatusAsync(long taskId, CancellationToken cancellationToken) =>
        (await client.SendAsync(HttpMethod.Get, $"/api/tasks/{taskId}", null, cancellationToken)).GetProperty("status").GetString() ?? "";

    public async Task<(bool Allowed, string? Rule)> CanAssignAsync(long fromAgentId, long toAgentId, CancellationToken cancellationToken)
    {
        var decision = await client.SendAsync(HttpMethod.Get, $"/api/policies/can-assign?from={fromAgentId}&to={toAgentId}", null, cancellationToken);
        return (decision.GetProperty("allowed").GetBoolean(), decision.TryGetProperty("rule", out var rule) ? rule.GetString() : null);
    }

    public async Task<long> CountAsync(ScenarioCount count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(count);
        switch (count.Of)
        {
            case "agents":
                var agents = await client.SendAsync(HttpMethod.Get, "/api/agents" + (count.Status is null ? "" : "?status=" + Uri.EscapeDataString(count.Status)), null, cancellationToken);
                return agents.GetArrayLength();
            case "tasks":
                var query = string.Concat(
                    count.Status is null ? "" : "&status=" + Uri.EscapeDataString(count.Status),
                    count.AssigneeAgentId is { } assignee ? "&assignee=" + assignee.ToString(CultureInfo.InvariantCulture) : "",
                    count.ParentTaskId is { } parent ? "&parent=" + parent.ToString(CultureInfo.InvariantCulture) : "",
                    count.Project is null ? "" : "&project=" + Uri.EscapeDataString(count.Project));
                return (await client.ListTasksAsync(query, cancellationToken)).Count;
            case "edges":
                var chart = await client.SendAsync(HttpMethod.Get, "/api/org/edges", null, cancellationToken);
                return chart.GetProperty("edges").GetArrayLength();
            case "rules":
                var rules = await client.SendAsync(HttpMethod.Get, "/api/policies/rules", null, cancellationToken);
                return rules.EnumerateArray().Count(r => count.Status is null || (count.Status == "enabled") == r.GetProperty("enabled").GetBoolean());
            case "inbox":
                return (await client.SendAsync(HttpMethod.Get, "/api/inbox/escalations", null, cancellationToken)).GetArrayLength();
            case "meetings":
                var meetings = await client.SendAsync(HttpMethod.Get, "/api/meetings", null, cancellationToken);
                return meetings.EnumerateArray().Count(m => count.Status is null || m.GetProperty("status").GetString() == count.Status);
            case "ctas":
                var meetingIds = count.MeetingId is { } meetingId ? [meetingId]
                    : (await client.SendAsync(HttpMethod.Get, "/api/meetings", null, cancellationToken)).EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToList();
                long ctas = 0;
                foreach (var id in meetingIds)
                {
                    ctas += (await CallsToActionAsync(id, cancellationToken)).Count(c => count.Status is null || c.Status == count.Status);
                }

                return ctas;
            default:
                var events = await client.ReadEventsAsync(count.Stream, cancellationToken);
                return events.Count(e => count.EventType is null || e.GetProperty("type").GetString() == count.EventType);
        }
    }

    /// <summary>The calls to action of a meeting's minutes; none before the minutes are written.</summary>
    private async Task<List<ScenarioCallToAction>> CallsToActionAsync(long meetingId, CancellationToken cancellationToken)
    {
        try
        {
            return CallsToAction(await client.SendAsync(HttpMethod.Get, $"/api/meetings/{meetingId}/minutes", null, cancellationToken));
        }
        catch (ScenarioActionException missing) when (missing.Status == 404)
        {
            return [];
        }
    }
}
