using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace FluidManager.Models.Offline;

/// <summary>
/// The offline model's decisions: from the conversation so far, the next step an agent would take.
/// A pure function of the request, so the same request always gets the same answer.
/// </summary>
internal static partial class OfflineAgent
{
    /// <summary>After this many assistant turns in one conversation the model finishes, whatever is left.</summary>
    public const int MaxSteps = 16;

    /// <summary>The most parts a task is split into.</summary>
    public const int MaxParts = 6;

    public sealed record Part(string Title, string Description, AgentRef Assignee);

    public sealed record Decision(string Text, IReadOnlyList<FunctionCallContent> ToolCalls);

    private enum Approval
    {
        Unknown,
        Approved,
        Rejected,
        Pending,
    }

    private sealed record Sensitivity(string Kind, string Action);

    public static Decision Decide(ChatRequest request)
    {
        var situation = Situation.Read(request);
        var seed = Seed(request);
        var writer = new OfflineWriter(situation, WordingSeed(request));
        var title = situation.Task.Title;

        if (situation.Done(StandardTools.CompleteTask))
        {
            return new Decision($"'{title}' is complete.", []);
        }

        if (situation.Tools.Count == 0)
        {
            return new Decision(TextAnswer(situation, writer), []);
        }

        var parts = ShouldDelegate(situation) ? PlanParts(situation) : [];
        var sensitivity = parts.Count == 0 ? Sensitive(situation.TaskText, title) : null;
        var approval = Approval.Unknown;
        if (situation.AssistantTurns < MaxSteps)
        {
            if (situation.Offers(StandardTools.WriteWorklog) && !situation.Done(StandardTools.WriteWorklog))
            {
                var note = parts.Count > 0 ? writer.DelegationNote(parts) : writer.StartNote();
                return Call(situation, seed, "Noting my approach in the worklog.", StandardTools.WriteWorklog, note,
                    new Argument("body", note, "entry", "text", "note", "message", "content", "log"),
                    TaskId(situation));
            }

            if (parts.Count > 0)
            {
                var delegated = Delegated(situation, parts);
                var next = Enumerable.Range(0, parts.Count).FirstOrDefault(i => !delegated.Contains(i), -1);
                if (next >= 0)
                {
                    var part = parts[next];
                    return Call(situation, seed, $"Delegating '{part.Title}' to {part.Assignee.Name}.", StandardTools.DelegateTask, part.Title,
                        new Argument("to_agent_id", part.Assignee.Id, "assignee_id", "agent_id", "subordinate_id", "to", "assignee", "to_agent", "agent"),
                        new Argument("title", part.Title, "name", "subject"),
                        new Argument("description", part.Description, "details", "instructions", "body", "brief"),
                        new Argument("parent_task_id", situation.Task.Id > 0 ? situation.Task.Id : null, "task_id", "parent_id", "parent"));
                }
            }
            else
            {
                if (situation.Offers(StandardTools.SearchKnowledge) && !situation.Done(StandardTools.SearchKnowledge))
                {
                    return Call(situation, seed, "Checking what the company's knowledge spaces say first.", StandardTools.SearchKnowledge, title,
                        new Argument("query", title, "q", "question", "search", "text"));
                }

                if (situation.Offers(StandardTools.CreateArtifact) && !situation.Done(StandardTools.CreateArtifact))
                {
                    var document = writer.Document();
                    return Call(situation, seed, $"Writing the {writer.Area.Deliverable}.", StandardTools.CreateArtifact, ArtifactName(title),
                        new Argument("name", ArtifactName(title), "title", "file_name", "filename"),
                        new Argument("kind", ArtifactKind(situation.TaskText, sensitivity), "type", "artifact_kind"),
                        new Argument("content", document, "body", "text", "markdown", "data"),
                        new Argument("content_type", "text/markdown", "mime_type", "media_type", "mime"),
                        TaskId(situation));
                }

                if (sensitivity is not null && situation.Offers(StandardTools.RequestApproval))
                {
                    if (!situation.Done(StandardTools.RequestApproval))
                    {
                        var reason = $"'{title}' involves {sensitivity.Kind}; the draft is attached as {ArtifactName(title)}.{LessonNote(situation)} Nothing goes out before the CEO approves.";
                        return Call(situation, seed, "This needs the CEO's approval first.", StandardTools.RequestApproval, sensitivity.Action,
                            new Argument("action", sensitivity.Action, "what", "title", "subject", "summary"),
                            new Argument("reason", reason, "justification", "details", "description", "why"),
                            TaskId(situation));
                    }

                    approval = ApprovalState(situation);
                    if (approval == Approval.Pending)
                    {
                        return new Decision($"Waiting for the CEO to approve: {sensitivity.Action}. I will finish '{title}' once the decision is in.", []);
                    }
                }
            }
        }

        var result = parts.Count == 0 && StructuredOutput.FindSchema(situation.Task.Description) is { } schema
            ? OfflineJson.Write(schema, title, situation.Task.Description, WordingSeed(request))?.ToJsonString() ?? "null"
            : Result(situation, writer, parts, sensitivity, approval);
        return situation.Offers(StandardTools.CompleteTask)
            ? Call(situation, seed, $"Wrapping up '{title}'.", StandardTools.CompleteTask, result,
                new Argument("result", result, "summary", "output", "outcome", "text", "report"),
                TaskId(situation))
            : new Decision(result, []);
    }

    /// <summary>The seed of tool call ids: a hash of the whole conversation, the tools offered and the request's seed.</summary>
    public static ulong Seed(ChatRequest request)
    {
        using var hash = new StableHash.Builder();
        hash.Add(request.Seed?.ToString(CultureInfo.InvariantCulture));
        foreach (var message in request.Messages)
        {
            hash.Add(message.Role.ToString()).Add(message.Content).Add(message.ToolCallId);
            foreach (var call in message.ToolCalls)
            {
                hash.Add(call.CallId).Add(call.Name).Add(call.ArgumentsJson);
            }
        }

        foreach (var tool in request.Tools)
        {
            hash.Add(tool.Name);
        }

        return hash.Finish();
    }

    /// <summary>
    /// The seed of the wording: the system prompt, the first user message and the request's seed, so that
    /// the texts of one task read the same from turn to turn while other tasks read differently.
    /// </summary>
    private static ulong WordingSeed(ChatRequest request)
    {
        using var hash = new StableHash.Builder();
        hash.Add(request.Seed?.ToString(CultureInfo.InvariantCulture));
        foreach (var message in request.Messages.Where(m => m.Role == ChatRole.System))
        {
            hash.Add(message.Content);
        }

        return hash.Add(request.Messages.FirstOrDefault(m => m.Role == ChatRole.User)?.Content).Finish();
    }

    private static Decision Call(Situation situation, ulong seed, string text, string tool, string fallbackText, params Argument[] arguments)
    {
        var id = $"call_{StableHash.Of(seed, tool + "#" + situation.AssistantTurns.ToString(CultureInfo.InvariantCulture)):x16}";
        var json = ToolArguments.Build(situation.Tool(tool), fallbackText, arguments);
        return new Decision(text, [FunctionCallContent.FromJson(id, tool, json)]);
    }

    private static Argument TaskId(Situation situation) =>
        new("task_id", situation.Task.Id > 0 ? situation.Task.Id : null, "task");

    private static string TextAnswer(Situation situation, OfflineWriter writer)
    {
        var ask = situation.LastUserText;
        if (StructuredOutput.FindSchema(ask) is { } schema)
        {
            return OfflineJson.Write(schema, situation.Task.Title, ask, StableHash.Of(ask))?.ToJsonString() ?? "null";
        }

        if (SummaryPattern().IsMatch(ask))
        {
            return writer.ConversationSummary();
        }

        if (PlanPattern().IsMatch(ask))
        {
            return writer.Plan();
        }

        return QuestionPattern().IsMatch(ask) ? writer.Opinion() : writer.Document();
    }

    private static bool ShouldDelegate(Situation situation) =>
        situation.Offers(StandardTools.DelegateTask) && situation.Subordinates.Count > 0 && LooksBig(situation.Task);

    private static bool LooksBig(TaskRef task) =>
        Bullets(task.Description).Count >= 2
        || WorkArea.Words(task.Title + " " + task.Description).Count() >= 40
        || BigPattern().IsMatch(task.Title);

    private static List<string> Bullets(string text) =>
        [.. text.Split('\n')
            .Select(line => BulletPattern().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["item"].Value.Trim())
            .Where(item => item.Length > 0)];

    /// <summary>The parts of a big task: its bullet points, or one workstream per subordinate.</summary>
    private static List<Part> PlanParts(Situation situation)
    {
        var task = situation.Task;
        var subordinates = situation.Subordinates;
        var reference = task.Id > 0 ? $" (task #{task.Id})" : "";
        var bullets = Bullets(task.Description).Take(MaxParts).ToList();
        var parts = new List<Part>();
        if (bullets.Count >= 2)
        {
            var load = new int[subordinates.Count];
            foreach (var item in bullets)
            {
                var needs = WorkArea.Of(item);
                var best = 0;
                var bestScore = int.MinValue;
                for (var i = 0; i < subordinates.Count; i++)
                {
                    var skills = WorkArea.Of($"{subordinates[i].Role} {subordinates[i].Department}");
                    skills.Remove(WorkArea.Leadership);
                    var score = (needs.Intersect(skills).Count() * 10) - load[i];
                    if (score > bestScore)
                    {
                        (best, bestScore) = (i, score);
                    }
                }

                load[best]++;
                var assignee = subordinates[best];
                var area = WorkArea.ForAgent(assignee.Role, assignee.Department);
                parts.Add(new Part(
                    Shorten(item),
                    $"{item}\n\nPart of '{task.Title}'{reference}. Deliver a {area.Deliverable} and report back in the worklog.",
                    assignee));
            }

            return parts;
        }

        foreach (var assignee in subordinates.Take(3))
        {
            var area = WorkArea.ForAgent(assignee.Role, assignee.Department);
            parts.Add(new Part(
                $"{task.Title}: {assignee.Role} part",
                $"Cover the {area.Sections[0].ToLowerInvariant()} and {area.Sections[1].ToLowerInvariant()} of '{task.Title}'{reference} from the {assignee.Role} side, and deliver a {area.Deliverable}.",
                assignee));
        }

        return parts;
    }

    /// <summary>Indexes of the parts already delegated: matched by title, else counted in plan order.</summary>
    private static HashSet<int> Delegated(Situation situation, List<Part> parts)
    {
        var done = new HashSet<int>();
        int? ByTitle(IEnumerable<string> texts)
        {
            var set = texts.Select(t => t.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var index = parts.FindIndex(p => set.Contains(p.Title));
            return index >= 0 ? index : null;
        }

        var unmatched = 0;
        foreach (var call in situation.Calls.Where(c => c.Call.Name == StandardTools.DelegateTask))
        {
            if (ByTitle(StringValues(call.Call)) is int index)
            {
                done.Add(index);
            }
            else
            {
                unmatched++;
            }
        }

        var counted = 0;
        foreach (var step in situation.DoneSteps.Where(s => string.Equals(s.Name, StandardTools.DelegateTask, StringComparison.OrdinalIgnoreCase)))
        {
            if (ByTitle([step.Detail]) is int index)
            {
                done.Add(index);
            }
            else
            {
                counted++;
            }
        }

        for (var i = 0; i < Math.Min(counted, parts.Count); i++)
        {
            done.Add(i);
        }

        for (var i = 0; i < parts.Count && unmatched > 0; i++)
        {
            if (done.Add(i))
            {
                unmatched--;
            }
        }

        return done;
    }

    private static IEnumerable<string> StringValues(FunctionCallContent call) =>
        call.TryParseArguments(out var arguments)
            ? arguments.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!)
            : [];

    private static Sensitivity? Sensitive(string text, string title)
    {
        if (PublishPattern().Match(text) is { Success: true } publish)
        {
            return new Sensitivity($"publishing ('{publish.Value.ToLowerInvariant()}')", $"Publish '{title}'");
        }

        if (SpendPattern().Match(text) is { Success: true } spend)
        {
            var amount = AmountPattern().Match(text);
            return new Sensitivity(
                $"spending ('{spend.Value.ToLowerInvariant()}')",
                amount.Success ? $"Spend {amount.Value.Trim()} for '{title}'" : $"Spend money for '{title}'");
        }

        return ExternalPattern().Match(text) is { Success: true } external
            ? new Sensitivity($"an external action ('{external.Value.ToLowerInvariant()}')", $"Act outside the company for '{title}'")
            : null;
    }

    private static Approval ApprovalState(Situation situation)
    {
        foreach (var answer in situation.AnswersTo(StandardTools.RequestApproval))
        {
            if (RejectedPattern().IsMatch(answer))
            {
                return Approval.Rejected;
            }

            if (PendingPattern().IsMatch(answer))
            {
                return Approval.Pending;
            }

            if (ApprovedPattern().IsMatch(answer))
            {
                return Approval.Approved;
            }
        }

        return Approval.Approved;
    }

    private static string Result(Situation situation, OfflineWriter writer, List<Part> parts, Sensitivity? sensitivity, Approval approval)
    {
        var title = situation.Task.Title;
        if (parts.Count > 0)
        {
            var delegated = string.Join("; ", parts.Select(p => $"'{p.Title}' to {p.Assignee.Name}"));
            var refused = situation.Calls
                .Where(c => c.Call.Name == StandardTools.DelegateTask && c.Result is not null && FailurePattern().IsMatch(c.Result))
                .ToList();
            var note = refused.Count == 0 ? "" : $" {refused.Count} delegation(s) were refused: {Shorten(refused[0].Result!, 20)}.";
            return $"Delegated {parts.Count} parts of '{title}': {delegated}. I will consolidate their results as they report back.{note}";
        }

        var approvalNote = sensitivity is null || !situation.Done(StandardTools.RequestApproval) ? "" : approval switch
        {
            Approval.Rejected => " The CEO declined the approval, so nothing was published or spent; the draft stays available.",
            _ => " Approved by the CEO; ready to go ahead.",
        };
        var deliverable = char.ToUpperInvariant(writer.Area.Deliverable[0]) + writer.Area.Deliverable[1..];
        var sources = Sources(situation);
        return situation.Done(StandardTools.CreateArtifact)
            ? $"{deliverable} for '{title}' is ready in {ArtifactName(title)}. {writer.Summary()}{sources}{LessonNote(situation)}{approvalNote}"
            : $"Finished '{title}'. {writer.Summary()}{sources}{LessonNote(situation)}{approvalNote}";
    }

    /// <summary>
    /// " Following lesson [M12]: …" when the briefing brought lessons from memory (the most relevant one is
    /// followed), or nothing: the offline agent shows which lesson it applied.
    /// </summary>
    private static string LessonNote(Situation situation) =>
        situation.Context?.Lessons is [var lesson, ..] ? $" Following lesson [M{lesson.Id}]: {Shorten(lesson.Text, 60)}." : "";

    /// <summary>" Sources: [1] "Handbook"; [2] …" from the latest knowledge search's passages, or nothing.</summary>
    private static string Sources(Situation situation)
    {
        var passages = situation.AnswersTo(StandardTools.SearchKnowledge).Select(a => CitationPattern().Matches(a)).FirstOrDefault(m => m.Count > 0);
        if (passages is null)
        {
            return "";
        }

        var cited = passages.Select(m => $"[{m.Groups["n"].Value}] \"{m.Groups["doc"].Value}\"").Distinct(StringComparer.Ordinal).Take(3).ToList();
        return cited.Count == 0 ? "" : $" Sources: {string.Join("; ", cited)}.";
    }

    private static string ArtifactKind(string text, Sensitivity? sensitivity)
    {
        if (sensitivity is not null && sensitivity.Action.StartsWith("Publish", StringComparison.Ordinal))
        {
            return "post";
        }

        return SpecPattern().IsMatch(text) ? "spec" : "file";
    }

    private static string ArtifactName(string title)
    {
        var slug = string.Join('-', WorkArea.Words(title).Take(8));
        if (slug.Length > 60)
        {
            slug = slug[..60].TrimEnd('-');
        }

        return (slug.Length == 0 ? "deliverable" : slug) + ".md";
    }

    private static string Shorten(string text, int words = 10)
    {
        var list = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var shortened = string.Join(' ', list.Take(words)).TrimEnd('.', ',', ';', ':');
        shortened = list.Length > words ? shortened + "…" : shortened;
        return shortened.Length == 0 ? text : char.ToUpperInvariant(shortened[0]) + shortened[1..];
    }

    [GeneratedRegex(@"^\[(?<n>\d+)\] ""(?<doc>[^""\r\n]+)""", RegexOptions.Multiline)]
    private static partial Regex CitationPattern();

    [GeneratedRegex(@"^\s*(?:[-*•]|\d+[.)])\s+(?<item>.+)$")]
    private static partial Regex BulletPattern();

    [GeneratedRegex(@"\b(?:campaign|launch|strategy|roadmap|project|program|programme|initiative|mission|overhaul|rollout|migration|go-to-market|rebrand|quarterly|annual)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BigPattern();

    [GeneratedRegex(@"\b(?:publish\w*|post (?:it |this |them )?(?:on|to)\b|release (?:it|the|v\d)|launch(?:es|ed|ing)?|announc\w*|press release|tweet\w*|newsletter|go live|deploy\w* to production|send (?:it |this |the \w+ )?to (?:customers|clients|subscribers|the public|press|partners)|e-?mail (?:all |our |the )?(?:customers|clients|subscribers)|advertis\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"\b(?:spend\w*|buy\w*|purchas\w*|pay(?:s|ing|ment|ments)?|sign (?:the |a )?contract|subscri(?:be|ption) to|order (?:new |more )?\w+ from|invest\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpendPattern();

    [GeneratedRegex(@"(?:[$€£]\s?\d[\d,.]*\s?[kKmM]?\b|\b\d[\d,.]*\s?(?:USD|EUR|GBP|dollars|euros)\b)")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"\b(?:external\w*|contact (?:the |a |our )?(?:vendor|supplier|partner|customer|client|press|journalist)s?|vendor|supplier|reach out to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalPattern();

    [GeneratedRegex(@"\b(?:spec|specification|plan|design|strategy|roadmap|proposal|architecture)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpecPattern();

    [GeneratedRegex(@"\b(?:summar\w*|recap|wrap(?:-| )?up|minutes)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SummaryPattern();

    [GeneratedRegex(@"\b(?:plan|roadmap|steps)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PlanPattern();

    [GeneratedRegex(@"(?:\?\s*$|^\s*(?:what|how|why|should|could|can|do|does|would|is|are|which|who)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionPattern();

    [GeneratedRegex(@"\b(?:reject\w*|denied|deny|declin\w*|refus\w*|not approved|disapprov\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RejectedPattern();

    [GeneratedRegex(@"\b(?:pending|waiting|awaiting|requested)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PendingPattern();

    [GeneratedRegex(@"\b(?:approved|granted|accepted|go ahead|allowed)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ApprovedPattern();

    [GeneratedRegex(@"\b(?:error|fail\w*|denied|refus\w*|not allowed|forbidden)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FailurePattern();
}
