using System.Globalization;

namespace FluidManager.Scenarios;

/// <summary>One checked expectation (an <c>expect</c> entry or a step with <c>expectError</c>), or a step that failed.</summary>
public sealed record ScenarioOutcome(string Where, string Description, bool Passed, string? Detail);

/// <summary>Hiring an agent or handing out a mission failed: everything after depends on it, so playing stops there.</summary>
public sealed class ScenarioStepException(string where, string description, Exception inner)
    : Exception($"{where} ({description}) failed: {inner.Message}", inner)
{
    public string Where { get; } = where;

    public string Description { get; } = description;
}

/// <summary>What a play created (refs → ids) and what its expectations found.</summary>
public sealed class ScenarioRun
{
    public Dictionary<string, long> Agents { get; } = new(StringComparer.Ordinal);

    /// <summary>Task refs, with the calls to action dispatched by meeting steps ("q3.cta1").</summary>
    public Dictionary<string, long> Tasks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Meetings { get; } = new(StringComparer.Ordinal);

    public List<ScenarioOutcome> Outcomes { get; } = [];

    public int Passed => Outcomes.Count(o => o.Passed);

    public int Failed => Outcomes.Count(o => !o.Passed);
}

/// <summary>
/// Plays a scenario: hires the agents in org-chart order (each manager before its reports), places
/// them, hands out the missions, plays the steps in order, then checks the expectations (when a
/// probe is given). Agents are held while the script plays: hired paused, so that the agent loop
/// does not start (or finish) their work before the steps are done; an agent is activated when it
/// has to delegate, and every agent takes its declared status (default active) before the
/// expectations are checked. A step refused without <c>expectError</c> is a failed outcome and the play goes
/// on; a refused hire or mission stops it with <see cref="ScenarioStepException"/>. A meeting step starts
/// the meeting and waits for its minutes when the actions do (the CLI; the demo loader does not wait),
/// then names the tasks of its dispatched calls to action "ref.ctaN".
/// </summary>
public sealed class ScenarioPlayer(IScenarioActions actions, TimeProvider? time = null)
{
    /// <summary>How long taskStatus, meetingStatus, event and count expectations wait by default, in seconds.</summary>
    public const double DefaultWithinSeconds = 15;

    /// <summary>How long a meeting step waits for the minutes by default, in seconds.</summary>
    public const double DefaultMeetingWithinSeconds = 120;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ScenarioRun> PlayAsync(Scenario scenario, IScenarioProbe? probe = null, Action<ScenarioOutcome>? report = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ScenarioReader.Validate(scenario);
        var run = new ScenarioRun();
        void Record(ScenarioOutcome outcome)
        {
            run.Outcomes.Add(outcome);
            report?.Invoke(outcome);
        }

        var declared = await HireAsync(scenario, run, cancellationToken);
        var active = new HashSet<long>();
        var now = _time.GetUtcNow();
        for (var i = 0; i < scenario.Missions.Count; i++)
        {
            var mission = scenario.Missions[i];
            var spec = new ScenarioTaskSpec(mission.Title, mission.Description, mission.Project, mission.Priority, Deadline(now, mission.DeadlineAt, mission.DeadlineInDays), run.Agents[mission.To], null);
            var id = await StepAsync($"missions[{i}]", $"mission \"{mission.Title}\" to {mission.To}", () => actions.CreateTaskAsync(spec, cancellationToken));
            if (mission.Ref is { } taskRef)
            {
                run.Tasks[taskRef] = id;
            }
        }

        for (var i = 0; i < scenario.Schedules.Count; i++)
        {
            var schedule = scenario.Schedules[i];
            var spec = new ScenarioScheduleSpec(schedule.Name, run.Agents[schedule.Agent], schedule.IntervalMinutes, schedule.Cron, schedule.TimeZone, schedule.Paused ?? false, schedule.Task);
            await StepAsync($"schedules[{i}]", $"schedule \"{schedule.Name}\" for {schedule.Agent}", () => actions.CreateScheduleAsync(spec, cancellationToken));
        }

        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            if (step.Do == "delegate" && run.Agents[step.From!] is var delegator && active.Add(delegator))
            {
                await StepAsync($"steps[{i}]", $"activate {step.From} to delegate", () => SetStatusAsync(delegator, Active, cancellationToken));
            }

            await PlayStepAsync($"steps[{i}]", step, run, now, Record, cancellationToken);
        }

        foreach (var (agentRef, status) in declared)
        {
            var id = run.Agents[agentRef];
            if (status != (active.Contains(id) ? Active : Paused))
            {
                await StepAsync("agents", $"release {agentRef} ({status})", () => SetStatusAsync(id, status, cancellationToken));
            }
        }

        if (probe is not null)
        {
            for (var i = 0; i < scenario.Expect.Count; i++)
            {
                Record(await CheckAsync($"expect[{i}]", scenario.Expect[i], run, probe, cancellationToken));
            }
        }

        return run;
    }

    /// <summary>Describes a step for people: "delegate cto → em: Plan the launch".</summary>
    public static string Describe(ScenarioStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Do switch
        {
            "delegate" => $"delegate {step.From} → {step.To}: {step.Title}",
            "createTask" => $"createTask \"{step.Title}\"" + (step.To is null ? "" : $" for {step.To}"),
            "escalate" => $"escalate from {step.From}: {step.Subject}",
            "assign" => $"assign {step.Task} to {step.To}",
            "meeting" => $"meeting \"{step.Title}\" with {string.Join(", ", step.Participants ?? [])}",
            "dispatch" => $"dispatch the calls to action of meeting {step.Meeting}",
            _ => $"{step.Do} {step.Task}",
        };
    }

    private const string Active = "active";
    private const string Paused = "paused";

    private async Task<long> SetStatusAsync(long agentId, string status, CancellationToken cancellationToken)
    {
        await actions.SetAgentStatusAsync(agentId, status, cancellationToken);
        return agentId;
    }

    /// <summary>Hires every agent paused; returns each agent's declared status, to take when the steps are done.</summary>
    private async Task<List<(string Ref, string Status)>> HireAsync(Scenario scenario, ScenarioRun run, CancellationToken cancellationToken)
    {
        var declared = new List<(string, string)>();
        if (scenario.Company?.ImportedDocument is { } document)
        {
            var imported = await actions.ImportCompanyAsync(document, cancellationToken);
            foreach (var (reference, id) in imported)
            {
                run.Agents[reference] = id;
            }
        }
        var managerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (manager, reports) in scenario.Org)
        {
            foreach (var report in reports ?? [])
            {
                managerOf[report] = manager;
            }
        }

        // Managers before their reports; otherwise in file order.
        var pending = scenario.Agents.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.First(a => !managerOf.TryGetValue(a.Ref, out var m) || m == ScenarioRefs.Ceo || run.Agents.ContainsKey(m));
            pending.Remove(ready);
            var placed = managerOf.TryGetValue(ready.Ref, out var managerRef);
            long? managerId = placed && managerRef != ScenarioRefs.Ceo ? run.Agents[managerRef!] : null;
            var where = $"agents[{scenario.Agents.ToList().IndexOf(ready)}]";
            var description = placed ? $"hire {ready.Ref} under {managerRef}" : $"hire {ready.Ref}";
            run.Agents[ready.Ref] = await StepAsync(where, description, () => actions.CreateAgentAsync(ready.Profile, Paused, placed, managerId, cancellationToken));
            declared.Add((ready.Ref, string.IsNullOrWhiteSpace(ready.Status) ? Active : ready.Status.Trim().ToLowerInvariant()));
        }

        return declared;
    }

    private async Task PlayStepAsync(string where, ScenarioStep step, ScenarioRun run, DateTimeOffset now, Action<ScenarioOutcome> record, CancellationToken cancellationToken)
    {
        var description = Describe(step);
        try
        {
            var created = await RunStepAsync(step, run, now, cancellationToken);
            if (created is { } id && step.Ref is { } taskRef)
            {
                run.Tasks[taskRef] = id;
            }

            if (step.ExpectError is { } expected)
            {
                record(new ScenarioOutcome(where, $"{description} is refused ({Describe(expected)})", false, "it succeeded"));
            }
        }
        catch (ScenarioActionException refused) when (step.ExpectError is { } expected)
        {
            var matches = (expected.Status is null || expected.Status == refused.Status)
                && (expected.Code is null || expected.Code == refused.Code)
                && (expected.Rule is null || expected.Rule == refused.Rule);
            record(new ScenarioOutcome(where, $"{description} is refused ({Describe(expected)})", matches, matches ? refused.Message : $"refused otherwise: {refused}"));
        }
        catch (ScenarioActionException refused)
        {
            // Later steps may still make sense (or fail on their own for want of this one's task).
            record(new ScenarioOutcome(where, description, false, refused.ToString()));
        }
    }

    private async Task<long?> RunStepAsync(ScenarioStep step, ScenarioRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long? Agent(string? agentRef) => agentRef is null ? null : run.Agents[agentRef];
        long? Task(string? taskRef) => taskRef is null ? null : run.Tasks.TryGetValue(taskRef, out var id) ? id
            : throw new ScenarioActionException(0, "scenario.unknown_task", null, $"task '{taskRef}' was never created (its step was refused)");
        var deadline = Deadline(now, step.DeadlineAt, step.DeadlineInDays);
        switch (step.Do)
        {
            case "delegate":
                return await actions.DelegateAsync(Agent(step.From)!.Value,
                    new ScenarioTaskSpec(step.Title!, step.Description, step.Project, step.Priority, deadline, Agent(step.To), Task(step.Parent)), cancellationToken);
            case "createTask":
                return await actions.CreateTaskAsync(
                    new ScenarioTaskSpec(step.Title!, step.Description, step.Project, step.Priority, deadline, Agent(step.To), Task(step.Parent)), cancellationToken);
            case "escalate":
                await actions.EscalateAsync(Agent(step.From)!.Value, step.Subject!, step.Body, Task(step.Task), cancellationToken);
                return null;
            case "meeting":
                await MeetAsync(step, run, cancellationToken);
                return null;
            case "dispatch":
                NameCallsToAction(step.Meeting!, await actions.DispatchMeetingAsync(run.Meetings[step.Meeting!], cancellationToken), run);
                return null;
            case "remember":
                await actions.RememberAsync(Agent(step.To)!.Value, step.Kind ?? "fact", step.Body!, cancellationToken);
                return null;
            default:
                await actions.RunTaskCommandAsync(new ScenarioTaskCommand(
                    step.Do, Task(step.Task)!.Value, Agent(step.To), step.Reason, step.Result, step.Cascade ?? false, step.Priority, deadline, step.Body), cancellationToken);
                return null;
        }
    }

    /// <summary>Starts the meeting, waits for its minutes (when the actions wait) and names the tasks of its dispatched calls to action.</summary>
    private async Task MeetAsync(ScenarioStep step, ScenarioRun run, CancellationToken cancellationToken)
    {
        var spec = new ScenarioMeetingSpec(
            step.Title!,
            step.Goal,
            step.Agenda ?? [],
            [.. step.Participants!.Select(p => run.Agents[p])],
            step.MaxRounds,
            step.MaxTokens,
            step.Budget,
            step.Dispatch == "auto",
            step.Model);
        var meetingId = await actions.StartMeetingAsync(spec, cancellationToken);
        if (step.Ref is { } meetingRef)
        {
            run.Meetings[meetingRef] = meetingId;
        }

        var ctas = await actions.WaitForMinutesAsync(meetingId, TimeSpan.FromSeconds(step.Within ?? DefaultMeetingWithinSeconds), cancellationToken);
        if (step.Ref is { } named)
        {
            NameCallsToAction(named, ctas, run);
        }
    }

    /// <summary>Names the tasks of a meeting's dispatched calls to action "ref.ctaN".</summary>
    private static void NameCallsToAction(string meetingRef, IReadOnlyList<ScenarioCallToAction>? ctas, ScenarioRun run)
    {
        foreach (var cta in ctas ?? [])
        {
            if (cta.TaskId is { } taskId)
            {
                run.Tasks[ScenarioRefs.CallToAction(meetingRef, cta.Position)] = taskId;
            }
        }
    }

    private async Task<ScenarioOutcome> CheckAsync(string where, ScenarioExpectation expectation, ScenarioRun run, IScenarioProbe probe, CancellationToken cancellationToken)
    {
        var within = TimeSpan.FromSeconds(expectation.Within ?? DefaultWithinSeconds);
        try
        {
            switch (expectation.Type)
            {
                case "taskStatus":
                    return await CheckStatusAsync(where, "task", expectation.Task!, run.Tasks, id => probe.GetTaskStatusAsync(id, cancellationToken), expectation.Status!, within, cancellationToken);

                case "meetingStatus":
                    return await CheckStatusAsync(where, "meeting", expectation.Meeting!, run.Meetings, id => probe.GetMeetingStatusAsync(id, cancellationToken), expectation.Status!, within, cancellationToken);

                case "delegationRefused":
                {
                    var description = $"delegation {expectation.From} → {expectation.To} is refused" + (expectation.Rule is null ? "" : $" by {expectation.Rule}");
                    try
                    {
                        var id = await actions.DelegateAsync(run.Agents[expectation.From!],
                            new ScenarioTaskSpec($"Delegation that must be refused ({where})", null, null, null, null, run.Agents[expectation.To!], null), cancellationToken);
                        return new ScenarioOutcome(where, description, false, $"it was accepted (task {id})");
                    }
                    catch (ScenarioActionException refused)
                    {
                        var passed = refused.Status == 403 && (expectation.Rule is null || refused.Rule == expectation.Rule);
                        return new ScenarioOutcome(where, description, passed, refused.ToString());
                    }
                }

                case "canAssign":
                {
                    var allowed = expectation.Allowed ?? expectation.Rule is null;
                    var description = $"{expectation.From} {(allowed ? "may" : "may not")} assign to {expectation.To}" + (expectation.Rule is null ? "" : $" ({expectation.Rule})");
                    var answer = await probe.CanAssignAsync(run.Agents[expectation.From!], run.Agents[expectation.To!], cancellationToken);
                    var passed = answer.Allowed == allowed && (expectation.Rule is null || answer.Rule == expectation.Rule);
                    return new ScenarioOutcome(where, description, passed, answer.Allowed ? "allowed" : $"refused by {answer.Rule}");
                }

                case "event":
                {
                    var stream = ResolveStream(expectation.Stream, run, probe)!;
                    var description = $"event {expectation.EventType} on {expectation.Stream}";
                    var count = await WaitAsync(() => probe.CountAsync(new ScenarioCount("events", null, null, null, null, stream, expectation.EventType), cancellationToken), c => c > 0, within, cancellationToken);
                    return new ScenarioOutcome(where, description, count > 0, $"{count} found on {stream}");
                }

                default:
                {
                    if (expectation.Meeting is { } meetingRef && !run.Meetings.ContainsKey(meetingRef))
                    {
                        return new ScenarioOutcome(where, $"count of {expectation.Of}{Filters(expectation)}", false, $"meeting '{meetingRef}' was never created");
                    }

                    var count = new ScenarioCount(
                        expectation.Of!,
                        expectation.Status,
                        expectation.Assignee is null ? null : run.Agents[expectation.Assignee],
                        expectation.Parent is null ? null : run.Tasks.GetValueOrDefault(expectation.Parent),
                        expectation.Project,
                        ResolveStream(expectation.Stream, run, probe),
                        expectation.EventType,
                        expectation.Meeting is null ? null : run.Meetings[expectation.Meeting]);
                    var description = $"count of {expectation.Of}{Filters(expectation)} is {Bounds(expectation)}";
                    var value = await WaitAsync(() => probe.CountAsync(count, cancellationToken), c => InBounds(c, expectation), within, cancellationToken);
                    return new ScenarioOutcome(where, description, InBounds(value, expectation), $"counted {value}");
                }
            }
        }
        catch (ScenarioActionException failed)
        {
            return new ScenarioOutcome(where, expectation.Type, false, failed.ToString());
        }
    }

    /// <summary>Asks until the answer is good or the time is up; returns the last answer.</summary>
    /// <summary>Waits for a task or meeting of the run to reach a status.</summary>
    private async Task<ScenarioOutcome> CheckStatusAsync(string where, string kind, string name, Dictionary<string, long> ids, Func<long, Task<string>> status, string expected, TimeSpan within, CancellationToken cancellationToken)
    {
        var description = $"{kind} {name} reaches {expected}";
        if (!ids.TryGetValue(name, out var id))
        {
            return new ScenarioOutcome(where, description, false, $"{kind} '{name}' was never created");
        }

        var reached = await WaitAsync(() => status(id), s => s == expected, within, cancellationToken);
        return new ScenarioOutcome(where, description, reached == expected, $"status {reached}");
    }

    private async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> good, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + within;
        while (true)
        {
            var value = await probe();
            if (good(value) || _time.GetUtcNow() >= deadline)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
        }
    }

    private static string? ResolveStream(string? stream, ScenarioRun run, IScenarioProbe probe)
    {
        if (stream is null)
        {
            return null;
        }

        if (stream == ScenarioRefs.Company)
        {
            return probe.CompanyStream;
        }

        var colon = stream.IndexOf(':', StringComparison.Ordinal);
        var kind = stream[..colon];
        var name = stream[(colon + 1)..];
        var ids = kind switch
        {
            "task" => run.Tasks,
            "meeting" => run.Meetings,
            _ => run.Agents,
        };
        return ids.TryGetValue(name, out var id) ? $"{kind}:{id.ToString(CultureInfo.InvariantCulture)}" : stream;
    }

    private static DateTimeOffset? Deadline(DateTimeOffset now, DateTimeOffset? at, double? inDays) =>
        at ?? (inDays is { } days ? now.AddDays(days) : null);

    private static bool InBounds(long value, ScenarioExpectation e) =>
        (e.EqualTo is null || value == e.EqualTo) && (e.AtLeast is null || value >= e.AtLeast) && (e.AtMost is null || value <= e.AtMost);

    private static string Bounds(ScenarioExpectation e) => string.Join(" and ", new[]
    {
        e.EqualTo is { } eq ? $"{eq}" : null,
        e.AtLeast is { } min ? $"at least {min}" : null,
        e.AtMost is { } max ? $"at most {max}" : null,
    }.Where(s => s is not null));

    private static string Filters(ScenarioExpectation e)
    {
        var filters = new[]
        {
            e.Status is null ? null : $"status={e.Status}",
            e.Assignee is null ? null : $"assignee={e.Assignee}",
            e.Parent is null ? null : $"parent={e.Parent}",
            e.Project is null ? null : $"project={e.Project}",
            e.Meeting is null ? null : $"meeting={e.Meeting}",
            e.Stream is null ? null : $"stream={e.Stream}",
            e.EventType is null ? null : $"type={e.EventType}",
        }.Where(f => f is not null).ToList();
        return filters.Count == 0 ? "" : $" ({string.Join(", ", filters)})";
    }

    private static string Describe(ScenarioExpectedError expected) => string.Join(" ", new[]
    {
        expected.Status?.ToString(CultureInfo.InvariantCulture),
        expected.Code,
        expected.Rule,
    }.Where(s => s is not null)) is { Length: > 0 } text ? text : "any error";

    private static async Task<long> StepAsync(string where, string description, Func<Task<long>> action)
    {
        try
        {
            return await action();
        }
        catch (ScenarioActionException refused)
        {
            throw new ScenarioStepException(where, description, refused);
        }
    }
}
