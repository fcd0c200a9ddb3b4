using System.Globalization;
using System.Text;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Organization;
using FluidManager.Models;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>What a briefing brings from memory: the items cited, the prompt section, its tokens and the recall that records them.</summary>
internal sealed record BriefedMemory(IReadOnlyList<MemoryHit> Items, string Section, int Tokens, long? RecallId)
{
    public static BriefedMemory None { get; } = new([], "", 0, null);

    /// <summary>The playbook section: the standing instructions people approved for the agent.</summary>
    public string Playbook { get; init; } = "";

    /// <summary>The lessons among the items, for the context block (the offline model follows the first).</summary>
    public IReadOnlyList<LessonRef> Lessons => Items.Where(h => h.Item.Kind == MemoryKind.Lesson).Select(h => new LessonRef(h.Item.Id, h.Item.Content)).ToList();
}

/// <summary>
/// The memory part of a task's briefing: the most relevant live facts, lessons and episodes of the agent and
/// of the agents below it (whose memory it may read), by hybrid search on the task's title and description,
/// within <see cref="MemoryOptions.BriefingMaxTokens"/>; recorded as a recall so the trace cites each item.
/// The search (an embedding and a query) runs outside the turn as the <c>memory.briefing</c> activity
/// (<see cref="Search"/>); the turn that receives its hits keeps what fits, records the recall and writes the
/// briefing (<see cref="CompleteAsync"/>), all committed with the runner's state.
/// </summary>
internal static class MemoryBriefing
{
    /// <summary>The search a briefing needs, or null when memory in briefings is off.</summary>
    public static MemoryBriefingInput? Search(MemoryOptions options, OrgSnapshot org, long agentId, TaskDto task, int attempt, DateTimeOffset now) =>
        options.BriefingMaxTokens <= 0 || options.BriefingMaxItems <= 0
            ? null
            : new MemoryBriefingInput(task.CompanyId, task.Id, agentId, attempt, MemoryAccess.Readable(org, agentId), Query(task), now, options.BriefingMaxItems);

    /// <summary>The words a briefing searches memory with: the task's title and description.</summary>
    public static string Query(TaskDto task) => task.Description.Length > 0 ? $"{task.Title}\n{task.Description}" : task.Title;

    /// <summary>
    /// The briefing's memory from the search's hits (null: no search, or it failed): as many items as fit the token
    /// bound, recorded as a recall (the trace's citations) in this turn, and the agent's approved playbook.
    /// </summary>
    public static async Task<BriefedMemory> CompleteAsync(ITurnContext context, MemoryOptions options, OrgSnapshot org, long agentId, TaskDto task, int attempt,
        MemoryBriefingResult? found)
    {
        var playbook = Playbook.Section(await Playbook.ApprovedAsync(context, task.CompanyId, agentId));
        var none = BriefedMemory.None with { Playbook = playbook };
        if (found is null || options.BriefingMaxTokens <= 0 || options.BriefingMaxItems <= 0)
        {
            return none;
        }

        // An item forgotten, superseded or edited since the search is left out: the briefing cites what memory holds now.
        var live = (await context.Sql(MemorySql.StillLive).With("company_id", task.CompanyId).With("ids", found.Hits.Select(h => h.Item.Id).ToArray()).With("now", context.Now)
            .ListAsync(r => (Id: r.Get<long>("id"), Version: r.Get<long>("version")))).ToHashSet();
        var hits = found.Hits.Where(h => live.Contains((h.Item.Id, h.Item.Version))).Take(options.BriefingMaxItems).ToList();
        var nameOf = (long id) => org.Agent(id) is { } other ? $"{other.FirstName} {other.LastName}" : null;
        var (kept, text, tokens) = Compose(hits, agentId, nameOf, options.BriefingMaxTokens);
        if (kept.Count == 0)
        {
            return none;
        }

        var ranked = kept.Select((h, i) => h with { Rank = i + 1 }).ToList();
        var recallId = await RecallRecord.WriteAsync(context, task.CompanyId, agentId, task.Id, attempt, "briefing", Query(task),
            ranked.Select(h => h.Item.Id).ToList(), tokens, found.DurationMs);
        return new BriefedMemory(ranked, text, tokens, recallId) { Playbook = playbook };
    }

    /// <summary>
    /// The memory section of a briefing from ranked hits: as many as fit within <paramref name="maxTokens"/>, in
    /// order; <paramref name="nameOf"/> names the owner of an item of another agent. Pure.
    /// </summary>
    public static (IReadOnlyList<MemoryHit> Kept, string Text, int Tokens) Compose(IReadOnlyList<MemoryHit> hits, long agentId, Func<long, string?> nameOf, int maxTokens)
    {
        var kept = new List<MemoryHit>();
        var section = new StringBuilder();
        const string Header = "What you remember from earlier work (cite an item as [M<id>] when you use it; follow the lessons):\n";
        foreach (var hit in hits)
        {
            var line = Line(hit.Item, agentId, nameOf);
            if (TokenEstimator.Count(Header + section + line) > maxTokens)
            {
                break;
            }

            section.Append(line);
            kept.Add(hit);
        }

        if (kept.Count == 0)
        {
            return ([], "", 0);
        }

        var text = Header + section;
        return (kept, text, TokenEstimator.Count(text));
    }

    private static string Line(MemoryItemDto item, long agentId, Func<long, string?> nameOf)
    {
        var source = item.SourceKind switch
        {
            MemorySourceKind.Task => $"task #{item.SourceTaskId}",
            MemorySourceKind.Meeting => $"meeting #{item.SourceMeetingId}",
            MemorySourceKind.Person => item.SourceActor,
            _ => "yourself",
        };
        var whose = item.AgentId == agentId ? "" : nameOf(item.AgentId) is { } other ? $", from {other}'s memory" : "";
        var content = item.Content.ReplaceLineEndings(" ").Trim();
        return string.Create(CultureInfo.InvariantCulture, $"- [M{item.Id}] {item.Kind.ToString().ToLowerInvariant()} ({source}, {item.CreatedAt:yyyy-MM-dd}{whose}{(item.Pinned ? ", pinned" : "")}): {content}\n");
    }
}
