using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluidManager.Scenarios;

/// <summary>A scenario file that cannot be played, with every problem found and where.</summary>
public sealed class ScenarioFormatException(IReadOnlyList<string> problems)
    : Exception("The scenario is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads a scenario and checks it before anything is played: unknown properties, missing fields, unknown refs, cycles.</summary>
public static class ScenarioReader
{
    public static readonly IReadOnlySet<string> StepVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "delegate", "createTask", "assign", "start", "pause", "resume", "block", "unblock", "complete", "fail", "cancel", "retry",
        "priority", "deadline", "comment", "escalate", "meeting", "dispatch", "remember",
    };

    /// <summary>What a remember step may write to an agent's memory (episodes are written when a task ends).</summary>
    public static readonly IReadOnlySet<string> MemoryKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "fact", "lesson",
    };

    public static readonly IReadOnlySet<string> ExpectationTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "taskStatus", "meetingStatus", "delegationRefused", "canAssign", "event", "count",
    };

    public static readonly IReadOnlySet<string> CountTargets = new HashSet<string>(StringComparer.Ordinal)
    {
        "agents", "tasks", "edges", "rules", "inbox", "events", "meetings", "ctas",
    };

    /// <summary>What a meeting step does with the calls to action of its minutes: leave them to the CEO's review (the default), or dispatch them.</summary>
    public static readonly IReadOnlySet<string> DispatchModes = new HashSet<string>(StringComparer.Ordinal)
    {
        "review", "auto",
    };

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static async Task<Scenario> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        return await ReadAsync(file, Path.GetDirectoryName(Path.GetFullPath(path)), cancellationToken);
    }

    public static Task<Scenario> ReadAsync(Stream json, CancellationToken cancellationToken = default) =>
        ReadAsync(json, baseDirectory: null, cancellationToken);

    /// <summary>Reads a scenario; a company document it imports is looked for relative to <paramref name="baseDirectory"/> (default: the current directory).</summary>
    public static async Task<Scenario> ReadAsync(Stream json, string? baseDirectory, CancellationToken cancellationToken = default)
    {
        Scenario? scenario;
        try
        {
            scenario = await JsonSerializer.DeserializeAsync<Scenario>(json, Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException([$"{ex.Path ?? "$"}: {ex.Message}"]);
        }

        if (scenario is null)
        {
            throw new ScenarioFormatException(["$: the file holds no scenario object"]);
        }

        if (scenario.Company?.Import is { Length: > 0 } import)
        {
            scenario = scenario with { Company = await ReadImportAsync(scenario.Company, Path.Combine(baseDirectory ?? Directory.GetCurrentDirectory(), import), cancellationToken) };
        }

        return Validate(scenario);
    }

    /// <summary>Reads the company document a scenario imports, and the agent references it defines.</summary>
    private static async Task<ScenarioCompany> ReadImportAsync(ScenarioCompany company, string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new ScenarioFormatException([$"company.import: cannot read '{path}': {ex.Message}"]);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var agents = document.RootElement.TryGetProperty("sections", out var sections) && sections.TryGetProperty("agents", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(a => a.TryGetProperty("ref", out var r) ? r.GetString() : null).OfType<string>().ToList()
                : [];
            return company with { ImportedDocument = text, ImportedAgents = agents };
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException([$"company.import: '{path}' is not a company document: {ex.Message}"]);
        }
    }

    public static Scenario Parse(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return ReadAsync(stream).GetAwaiter().GetResult();
    }

    /// <summary>Checks refs and required fields; returns the scenario unchanged, or throws with every problem.</summary>
    public static Scenario Validate(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var problems = new List<string>();
        var agents = new HashSet<string>(StringComparer.Ordinal);
        if (scenario.Company?.Import is { Length: > 0 } && scenario.Company.ImportedDocument is null)
        {
            problems.Add("company.import: the document was not read (read the scenario with ScenarioReader)");
        }

        foreach (var imported in scenario.Company?.ImportedAgents ?? [])
        {
            agents.Add(imported);
        }
        for (var i = 0; i < scenario.Agents.Count; i++)
        {
            var agent = scenario.Agents[i];
            if (string.IsNullOrWhiteSpace(agent.Ref))
            {
                problems.Add($"agents[{i}].ref: is required");
            }
            else if (agent.Ref == ScenarioRefs.Ceo || !agents.Add(agent.Ref))
            {
                problems.Add($"agents[{i}].ref: '{agent.Ref}' is {(agent.Ref == ScenarioRefs.Ceo ? "reserved for the CEO seat" : "used twice")}");
            }
        }

        var managerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (manager, reports) in scenario.Org)
        {
            if (manager != ScenarioRefs.Ceo && !agents.Contains(manager))
            {
                problems.Add($"org.{manager}: '{manager}' is neither \"ceo\" nor an agent ref");
            }

            foreach (var report in reports ?? [])
            {
                if (!agents.Contains(report))
                {
                    problems.Add($"org.{manager}: '{report}' is not an agent ref");
                }
                else if (!managerOf.TryAdd(report, manager))
                {
                    problems.Add($"org.{manager}: '{report}' already reports to '{managerOf[report]}' (an agent has one manager)");
                }
            }
        }

        foreach (var agent in managerOf.Keys)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { agent };
            for (var current = agent; managerOf.TryGetValue(current, out var manager) && manager != ScenarioRefs.Ceo; current = manager)
            {
                if (!seen.Add(manager))
                {
                    problems.Add($"org: '{agent}' is in its own reporting line (a cycle through '{manager}')");
                    break;
                }
            }
        }

        var tasks = new HashSet<string>(StringComparer.Ordinal);
        var meetings = new HashSet<string>(StringComparer.Ordinal);
        var dispatching = new HashSet<string>(StringComparer.Ordinal);
        var everyMeeting = scenario.Steps.Where(s => s.Do == "meeting" && s.Ref is not null).Select(s => s.Ref!).ToHashSet(StringComparer.Ordinal);
        void DefineTask(string? taskRef, string where)
        {
            if (taskRef is null)
            {
                return;
            }

            if (CallToActionOf(taskRef, everyMeeting) is { } meeting)
            {
                problems.Add($"{where}.ref: '{taskRef}' names a call to action of meeting '{meeting}'");
            }
            else if (!tasks.Add(taskRef))
            {
                problems.Add($"{where}.ref: task ref '{taskRef}' is used twice");
            }
        }

        void DefineMeeting(string? meetingRef, bool autoDispatch, string where)
        {
            if (meetingRef is null)
            {
                return;
            }

            if (!meetings.Add(meetingRef))
            {
                problems.Add($"{where}.ref: meeting ref '{meetingRef}' is used twice");
            }
            else if (autoDispatch)
            {
                dispatching.Add(meetingRef);
            }
        }

        // A missing ref is a problem only where the field is required; a given one must be known.
        bool Given(string? reference, string kind, string where, bool required)
        {
            if (reference is null && required)
            {
                problems.Add($"{where}: {kind} ref is required");
            }

            return reference is not null;
        }

        void Meeting(string? meetingRef, string where, bool required = true)
        {
            if (Given(meetingRef, "a meeting", where, required) && !meetings.Contains(meetingRef!))
            {
                problems.Add($"{where}: '{meetingRef}' is not a meeting ref");
            }
        }

        void Agent(string? agentRef, string where, bool required = true)
        {
            if (Given(agentRef, "an agent", where, required) && !agents.Contains(agentRef!))
            {
                problems.Add($"{where}: '{agentRef}' is not an agent ref");
            }
        }

        void Task(string? taskRef, string where, bool required = true)
        {
            if (!Given(taskRef, "a task", where, required))
            {
                return;
            }

            if (CallToActionOf(taskRef!, meetings) is { } meeting)
            {
                if (!dispatching.Contains(meeting))
                {
                    problems.Add($"{where}: '{taskRef}' is a call to action of meeting '{meeting}', which leaves them to review (give it \"dispatch\": \"auto\", or dispatch them in an earlier step)");
                }
            }
            else if (!tasks.Contains(taskRef!))
            {
                problems.Add($"{where}: '{taskRef}' is not a task ref defined before this entry");
            }
        }

        for (var i = 0; i < scenario.Missions.Count; i++)
        {
            var mission = scenario.Missions[i];
            var where = $"missions[{i}]";
            if (mission.From != ScenarioRefs.Ceo)
            {
                problems.Add($"{where}.from: missions come from \"ceo\"; an agent's work for another agent is a delegate step");
            }

            Agent(mission.To, where + ".to");
            DefineTask(mission.Ref, where);
        }

        for (var i = 0; i < scenario.Schedules.Count; i++)
        {
            var schedule = scenario.Schedules[i];
            var where = $"schedules[{i}]";
            Required(schedule.Name, where + ".name");
            Agent(schedule.Agent, where + ".agent");
            if ((schedule.IntervalMinutes is null) == string.IsNullOrWhiteSpace(schedule.Cron))
            {
                problems.Add($"{where}: give exactly one of intervalMinutes and cron");
            }
            else if (schedule.IntervalMinutes is <= 0)
            {
                problems.Add($"{where}.intervalMinutes: must be at least 1");
            }

            if (schedule.Task is null)
            {
                problems.Add($"{where}.task: is required");
            }
            else
            {
                Required(schedule.Task.Title, where + ".task.title");
            }
        }

        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            var where = $"steps[{i}]";
            if (!StepVerbs.Contains(step.Do))
            {
                problems.Add($"{where}.do: '{step.Do}' is not one of {string.Join(", ", StepVerbs)}");
                continue;
            }

            switch (step.Do)
            {
                case "delegate":
                    Agent(step.From, where + ".from");
                    Agent(step.To, where + ".to");
                    Task(step.Parent, where + ".parent", required: false);
                    Required(step.Title, where + ".title");
                    break;
                case "createTask":
                    Agent(step.To, where + ".to", required: false);
                    Task(step.Parent, where + ".parent", required: false);
                    Required(step.Title, where + ".title");
                    break;
                case "escalate":
                    Agent(step.From, where + ".from");
                    Task(step.Task, where + ".task", required: false);
                    Required(step.Subject, where + ".subject");
                    break;
                case "assign":
                    Task(step.Task, where + ".task");
                    Agent(step.To, where + ".to");
                    break;
                case "comment":
                    Task(step.Task, where + ".task");
                    Required(step.Body, where + ".body");
                    break;
                case "remember":
                    Agent(step.To, where + ".to");
                    Required(step.Body, where + ".body");
                    if (step.Kind is not null && !MemoryKinds.Contains(step.Kind))
                    {
                        problems.Add($"{where}.kind: '{step.Kind}' is not one of {string.Join(", ", MemoryKinds)}");
                    }

                    break;
                case "priority":
                    Task(step.Task, where + ".task");
                    Required(step.Priority, where + ".priority");
                    break;
                case "meeting":
                    Required(step.Title, where + ".title");
                    Participants(step.Participants, where + ".participants");
                    for (var j = 0; j < (step.Agenda?.Count ?? 0); j++)
                    {
                        Required(step.Agenda![j], $"{where}.agenda[{j}]");
                    }

                    if (step.Dispatch is not null && !DispatchModes.Contains(step.Dispatch))
                    {
                        problems.Add($"{where}.dispatch: '{step.Dispatch}' is not one of {string.Join(", ", DispatchModes)}");
                    }

                    if (step.Within is <= 0)
                    {
                        problems.Add($"{where}.within: must be more than 0 seconds");
                    }

                    DefineMeeting(step.Ref, step.Dispatch == "auto", where);
                    break;
                case "dispatch":
                    Meeting(step.Meeting, where + ".meeting");
                    if (step.Meeting is not null && meetings.Contains(step.Meeting))
                    {
                        dispatching.Add(step.Meeting); // its calls to action are tasks from here on
                    }

                    break;
                default:
                    Task(step.Task, where + ".task");
                    break;
            }

            if (step.Do is "delegate" or "createTask")
            {
                DefineTask(step.Ref, where);
            }
        }

        for (var i = 0; i < scenario.Expect.Count; i++)
        {
            var expectation = scenario.Expect[i];
            var where = $"expect[{i}]";
            if (!ExpectationTypes.Contains(expectation.Type))
            {
                problems.Add($"{where}.type: '{expectation.Type}' is not one of {string.Join(", ", ExpectationTypes)}");
                continue;
            }

            switch (expectation.Type)
            {
                case "taskStatus":
                    Task(expectation.Task, where + ".task");
                    Required(expectation.Status, where + ".status");
                    break;
                case "meetingStatus":
                    Meeting(expectation.Meeting, where + ".meeting");
                    Required(expectation.Status, where + ".status");
                    break;
                case "delegationRefused":
                case "canAssign":
                    Agent(expectation.From, where + ".from");
                    Agent(expectation.To, where + ".to");
                    break;
                case "event":
                    Required(expectation.Stream, where + ".stream");
                    Required(expectation.EventType, where + ".eventType");
                    Stream(expectation.Stream, where + ".stream");
                    break;
                case "count":
                    if (expectation.Of is null || !CountTargets.Contains(expectation.Of))
                    {
                        problems.Add($"{where}.of: one of {string.Join(", ", CountTargets)} is required");
                    }

                    if (expectation.EqualTo is null && expectation.AtLeast is null && expectation.AtMost is null)
                    {
                        problems.Add($"{where}: give equals, atLeast or atMost");
                    }

                    Agent(expectation.Assignee, where + ".assignee", required: false);
                    Task(expectation.Parent, where + ".parent", required: false);
                    Stream(expectation.Stream, where + ".stream");
                    Meeting(expectation.Meeting, where + ".meeting", required: false);
                    if (expectation.Meeting is not null && expectation.Of != "ctas")
                    {
                        problems.Add($"{where}.meeting: filters a count of ctas only");
                    }

                    break;
            }
        }

        if (problems.Count > 0)
        {
            throw new ScenarioFormatException(problems);
        }

        return scenario;

        void Required(string? value, string where)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{where}: is required");
            }
        }

        void Participants(IReadOnlyList<string>? participants, string where)
        {
            if (participants is not { Count: > 0 })
            {
                problems.Add($"{where}: at least one agent ref is required");
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < participants.Count; j++)
            {
                Agent(participants[j], $"{where}[{j}]");
                if (participants[j] is { } participant && agents.Contains(participant) && !seen.Add(participant))
                {
                    problems.Add($"{where}[{j}]: '{participant}' takes part twice");
                }
            }
        }

        void Stream(string? stream, string where)
        {
            if (stream is null || stream == ScenarioRefs.Company)
            {
                return;
            }

            var colon = stream.IndexOf(':', StringComparison.Ordinal);
            var kind = colon > 0 ? stream[..colon] : "";
            var name = colon > 0 ? stream[(colon + 1)..] : "";
            var known = kind switch
            {
                "task" => tasks.Contains(name) || CallToActionOf(name, dispatching) is not null,
                "agent" => agents.Contains(name),
                "meeting" => meetings.Contains(name),
                _ => false,
            };
            if (!known && !long.TryParse(name, out _))
            {
                problems.Add($"{where}: '{stream}' is not \"company\", task:<task ref>, agent:<agent ref> or meeting:<meeting ref>");
            }
        }
    }

    /// <summary>The meeting whose call to action <paramref name="taskRef"/> names ("q3.cta1": "q3"), among <paramref name="meetings"/>; otherwise null.</summary>
    private static string? CallToActionOf(string taskRef, IReadOnlySet<string> meetings)
    {
        var dot = taskRef.LastIndexOf(".cta", StringComparison.Ordinal);
        return dot > 0
            && meetings.Contains(taskRef[..dot])
            && int.TryParse(taskRef.AsSpan(dot + 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
            && position > 0
            && ScenarioRefs.CallToAction(taskRef[..dot], position) == taskRef
                ? taskRef[..dot]
                : null;
    }
}
