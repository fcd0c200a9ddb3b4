using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace FluidManager.Models.Offline;

/// <summary>What the offline model reads from a request: who it is, what the task is, what was done.</summary>
internal sealed partial class Situation
{
    private Situation(ChatRequest request)
    {
        Request = request;
        Context = AgentContext.Find(request.Messages);
        Tools = request.Tools
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var system = string.Join("\n", request.Messages.Where(m => m.Role == ChatRole.System).Select(m => StripContext(m.Content)));
        var role = Context?.Agent?.Role is { Length: > 0 } r ? r : RoleIn(system);
        var name = Context?.Agent?.Name is { Length: > 0 } n ? n : NameIn(system) ?? "the team";
        var department = Context?.Agent?.Department is { Length: > 0 } d ? d : DepartmentIn(system);
        Agent = new AgentRef(Context?.Agent?.Id ?? 0, name, role ?? "team member", department);
        Area = WorkArea.ForAgent(role, department);

        var lastUser = request.Messages.LastOrDefault(m => m.Role == ChatRole.User && StripContext(m.Content).Trim().Length > 0);
        LastUserText = lastUser is null ? "" : StripContext(lastUser.Content).Trim();
        Task = Context?.Task ?? TaskFrom(LastUserText);
        Subordinates = Context?.Subordinates ?? [];
        AssistantTurns = request.Messages.Count(m => m.Role == ChatRole.Assistant);

        var results = request.Messages
            .Where(m => m.Role == ChatRole.Tool && m.ToolCallId is not null)
            .GroupBy(m => m.ToolCallId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Content, StringComparer.Ordinal);
        var calls = new List<PastCall>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            foreach (var call in request.Messages[i].ToolCalls)
            {
                calls.Add(new PastCall(call, results.GetValueOrDefault(call.CallId), i));
            }
        }

        Calls = calls;
        DoneSteps = (Context?.DoneSteps ?? [])
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .Select(s => s.Trim())
            .Select(s => s.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
                ? (Name: s[..colon].Trim(), Detail: s[(colon + 1)..].Trim())
                : (Name: s, Detail: ""))
            .ToList();
    }

    public ChatRequest Request { get; }

    public AgentContext? Context { get; }

    public IReadOnlyDictionary<string, ToolDefinition> Tools { get; }

    public AgentRef Agent { get; }

    public WorkArea Area { get; }

    public TaskRef Task { get; }

    public IReadOnlyList<AgentRef> Subordinates { get; }

    public string LastUserText { get; }

    public int AssistantTurns { get; }

    /// <summary>Tool calls already made in this conversation, in order, with their results.</summary>
    public IReadOnlyList<PastCall> Calls { get; }

    /// <summary>Steps the loop reports as done in earlier runs (<c>done_steps</c>), split at the first <c>:</c>.</summary>
    public IReadOnlyList<(string Name, string Detail)> DoneSteps { get; }

    public static Situation Read(ChatRequest request) => new(request);

    public bool Offers(string tool) => Tools.ContainsKey(tool);

    public ToolDefinition? Tool(string name) => Tools.GetValueOrDefault(name);

    /// <summary>Whether the step was taken: in this conversation or in <c>done_steps</c>.</summary>
    public bool Done(string tool) =>
        Calls.Any(c => c.Call.Name == tool) || DoneSteps.Any(s => string.Equals(s.Name, tool, StringComparison.OrdinalIgnoreCase));

    /// <summary>The text of the task, title and description together.</summary>
    public string TaskText => $"{Task.Title}\n{Task.Description}";

    /// <summary>The message text after the latest call to <paramref name="tool"/> (its result and later user or tool messages), newest first.</summary>
    public IEnumerable<string> AnswersTo(string tool)
    {
        var last = Calls.LastOrDefault(c => c.Call.Name == tool);
        if (last is not null)
        {
            for (var i = Request.Messages.Count - 1; i > last.MessageIndex; i--)
            {
                var message = Request.Messages[i];
                if (message.Role == ChatRole.User || message.Role == ChatRole.Tool)
                {
                    yield return message.Content;
                }
            }
        }

        foreach (var step in DoneSteps.Where(s => string.Equals(s.Name, tool, StringComparison.OrdinalIgnoreCase)).Reverse())
        {
            yield return step.Detail;
        }
    }

    /// <summary>Removes the context block from a message's text.</summary>
    public static string StripContext(string text)
    {
        var start = text.IndexOf(AgentContext.StartTag, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var end = text.IndexOf(AgentContext.EndTag, start, StringComparison.Ordinal);
        return end < 0 ? text[..start] : text[..start] + text[(end + AgentContext.EndTag.Length)..];
    }

    private static TaskRef TaskFrom(string text)
    {
        if (text.Length == 0)
        {
            return new TaskRef(0, "the request");
        }

        var firstLine = text.Split('\n', 2)[0].Trim().TrimEnd('.', ':');
        var title = firstLine.Length <= 80 ? firstLine : firstLine[..77].TrimEnd() + "...";
        return new TaskRef(0, title, text);
    }

    private static string? RoleIn(string system)
    {
        var match = RolePattern().Match(system);
        return match.Success ? match.Groups["role"].Value.Trim() : null;
    }

    private static string? NameIn(string system)
    {
        var match = NamePattern().Match(system);
        return match.Success ? match.Groups["name"].Value.Trim() : null;
    }

    private static string? DepartmentIn(string system)
    {
        var match = DepartmentPattern().Match(system);
        return match.Success ? match.Groups["department"].Value.Trim() : null;
    }

    [GeneratedRegex(@"\b(?i:you are) (?:(?<name>\p{Lu}[\p{L}'-]+(?: \p{Lu}[\p{L}'-]+)?), )?(?i:an |a |the )?(?<role>[^.,;:\n]{2,60}?)(?= (?i:in|at|of|for|who|and|with|reporting) |[.,;:\n]|$)")]
    private static partial Regex RolePattern();

    [GeneratedRegex(@"\b(?i:your name is|you are) (?<name>\p{Lu}[\p{L}'-]+(?: \p{Lu}[\p{L}'-]+)?)(?=[,.])")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\b(?:in|of) the (?<department>[\p{L} &]{2,40}?) (?:department|team)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DepartmentPattern();
}

/// <summary>A tool call made earlier in the conversation and the text its result carried, if any.</summary>
internal sealed record PastCall(FunctionCallContent Call, string? Result, int MessageIndex);
