using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace FluidManager.Models.Offline;

/// <summary>Writes the offline model's texts: plausible, role-aware, and always the same for the same conversation.</summary>
internal sealed partial class OfflineWriter(Situation situation, ulong seed)
{
    private static readonly string[] Phrases =
    [
        "start from what the requester asked for and confirm the assumptions",
        "keep the scope to what can ship this week",
        "tie every point to a measurable outcome",
        "reuse what already works in the company",
        "name one owner and one date per item",
        "flag the main risk early and say how to reduce it",
        "stay within the agreed budget",
        "check it against the company's policies",
        "write it so that a newcomer can act on it",
        "compare two options and recommend one",
        "list what is still unknown and who can answer it",
        "prefer the simplest option that meets the goal",
        "agree on what done looks like before starting",
        "share a first version early and iterate on feedback",
    ];

    private static readonly string[] Openers =
    [
        "Good question.",
        "Here is my view.",
        "Short answer first, then the detail.",
        "I have looked at this from my side.",
    ];

    private static readonly string[] Risks =
    [
        "The main risk is doing too much at once",
        "The main risk is an unclear owner",
        "The main risk is spending before we know it works",
        "The main risk is a deadline nobody checked",
    ];

    private readonly Situation _situation = situation;
    private readonly ulong _seed = seed;

    public WorkArea Area => _situation.Area;

    public string Title => _situation.Task.Title;

    public string Pick(string slot, IReadOnlyList<string> options) =>
        options[(int)(StableHash.Of(_seed, slot) % (ulong)options.Count)];

    public IReadOnlyList<string> PickDistinct(string slot, IReadOnlyList<string> options, int count)
    {
        var start = (int)(StableHash.Of(_seed, slot) % (ulong)options.Count);
        var step = 1 + (int)(StableHash.Of(_seed, slot + "#step") % (ulong)Math.Max(1, options.Count - 1));
        var picked = new List<string>();
        for (var i = 0; picked.Count < Math.Min(count, options.Count) && i < options.Count * 2; i++)
        {
            var candidate = options[(start + i * step) % options.Count];
            if (!picked.Contains(candidate))
            {
                picked.Add(candidate);
            }
        }

        for (var i = 0; picked.Count < Math.Min(count, options.Count); i++)
        {
            if (!picked.Contains(options[i]))
            {
                picked.Add(options[i]);
            }
        }

        return picked;
    }

    /// <summary>The leaf agent's first worklog entry: how it will approach the task.</summary>
    public string StartNote()
    {
        var s = Area.Sections;
        var template = Pick("start-note", [
            "Picked up '{0}'. As {1}, I will cover {2}, {3} and {4}, then deliver a {5}.",
            "Starting on '{0}': reviewing the brief first, then drafting a {5} around {2} and {3}.",
            "Read the brief for '{0}'. Plan: {2} → {3} → {4}; the output is a {5}.",
        ]);
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, template,
            Title, _situation.Agent.Role, s[0].ToLowerInvariant(), s[1].ToLowerInvariant(), s[2].ToLowerInvariant(), Area.Deliverable);
    }

    /// <summary>The manager's first worklog entry: how the task is split.</summary>
    public string DelegationNote(IReadOnlyList<OfflineAgent.Part> parts)
    {
        var lines = string.Join("; ", parts.Select(p => $"{p.Title} → {p.Assignee.Name} ({p.Assignee.Role})"));
        return $"'{Title}' is more than one person's work: splitting it into {parts.Count} parts: {lines}. I keep ownership and will consolidate the results.";
    }

    /// <summary>The deliverable: a markdown document with the sections of the agent's area.</summary>
    public string Document()
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(Title).AppendLine();
        text.Append('_').Append(Capitalise(Area.Deliverable)).Append(" prepared by ").Append(_situation.Agent.Name)
            .Append(", ").Append(_situation.Agent.Role).AppendLine("._").AppendLine();
        text.AppendLine("## Summary").AppendLine(Summary()).AppendLine();
        var description = _situation.Task.Description.Trim();
        if (description.Length > 0 && description != Title)
        {
            text.AppendLine("## Brief").AppendLine(description.Length <= 400 ? description : description[..400] + "…").AppendLine();
        }

        var phrases = PickDistinct("document", Phrases, Area.Sections.Length * 2);
        for (var i = 0; i < Area.Sections.Length; i++)
        {
            text.Append("## ").AppendLine(Area.Sections[i]);
            foreach (var phrase in phrases.Skip(i * 2 % phrases.Count).Take(2))
            {
                text.Append("- ").Append(Capitalise(phrase)).AppendLine(".");
            }

            text.AppendLine();
        }

        return text.ToString().TrimEnd() + "\n";
    }

    /// <summary>One sentence saying what the deliverable covers.</summary>
    public string Summary()
    {
        var s = Area.Sections;
        return $"A {Area.Deliverable} for '{Title}', covering {s[0].ToLowerInvariant()}, {s[1].ToLowerInvariant()} and {s[2].ToLowerInvariant()}. Guiding rule: {Pick("summary", Phrases)}.";
    }

    /// <summary>A numbered plan (the answer to a request for a plan without tools).</summary>
    public string Plan()
    {
        var text = new StringBuilder();
        var subject = PlanRequest().Replace(Title, "");
        text.Append("Plan for ").Append(subject.Length > 0 ? subject : Title).Append(" (").Append(_situation.Agent.Role).AppendLine("):");
        var i = 1;
        foreach (var section in Area.Sections)
        {
            text.Append(i++).Append(". ").Append(section).Append(": ").Append(Pick("plan:" + section, Phrases)).AppendLine(".");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>A summary of the conversation so far (the answer to a request for a summary without tools).</summary>
    public string ConversationSummary()
    {
        var points = _situation.Request.Messages
            .Where(m => m.Role == ChatRole.User || m.Role == ChatRole.Assistant || m.Role == ChatRole.Tool)
            .Select(m => FirstSentence(Situation.StripContext(m.Content)))
            .Where(s => s.Length > 0 && s != FirstSentence(_situation.LastUserText))
            .Distinct(StringComparer.Ordinal)
            .TakeLast(5)
            .ToList();
        var text = new StringBuilder();
        text.Append("Summary from ").Append(_situation.Agent.Name).Append(" (").Append(_situation.Agent.Role).AppendLine("):");
        if (points.Count == 0)
        {
            text.Append("- ").Append(Summary()).AppendLine();
        }

        foreach (var point in points)
        {
            text.Append("- ").AppendLine(point);
        }

        text.Append("Next step: ").Append(Pick("next", Phrases)).Append('.');
        return text.ToString();
    }

    /// <summary>A short opinion (the answer to a question, as in a meeting).</summary>
    public string Opinion()
    {
        var department = _situation.Agent.Department ?? Capitalise(Area.Name);
        var s = Area.Sections;
        return $"{Pick("opener", Openers)} From the {department} side, the answer comes down to {s[0].ToLowerInvariant()} and {s[1].ToLowerInvariant()}. "
            + $"{Pick("risk", Risks)}, so I would {Pick("proposal", Phrases)}. I can own the {Area.Deliverable} if we agree.";
    }

    private static string FirstSentence(string text)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOfAny(['.', '!', '?', '\n']);
        var sentence = end < 0 ? trimmed : trimmed[..(end + (trimmed[end] == '\n' ? 0 : 1))];
        return sentence.Length <= 160 ? sentence.Trim() : sentence[..157].TrimEnd() + "...";
    }

    [GeneratedRegex(@"^\s*(?:please\s+)?(?:(?:give|write|draft|make|prepare|create|propose|outline)\s+(?:me\s+|us\s+)?)?(?:a\s+|an\s+|the\s+)?plan\s+(?:for|to|of|on)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex PlanRequest();

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
