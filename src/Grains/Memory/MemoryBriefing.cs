using System.Diagnostics;
using System.Globalization;
using System.Text;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Organization;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

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
/// </summary>
internal static class MemoryBriefing
{
    public static async Task<BriefedMemory> LoadAsync(ITurnContext context, IServiceProvider services, MemoryOptions options, ILogger logger,
        OrgSnapshot org, long agentId, TaskDto task, int attempt)
    {
        var playbook = Playbook.Section(await Playbook.ApprovedAsync(context, task.CompanyId, agentId));
        var none = BriefedMemory.None with { Playbook = playbook };
        if (options.BriefingMaxTokens <= 0 || options.BriefingMaxItems <= 0)
        {
            return none;
        }

        var query = task.Description.Length > 0 ? $"{task.Title}\n{task.Description}" : task.Title;
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<MemoryHit> hits;
        try
        {
            var (vector, _) = await MemoryStore.EmbedAsync(services, query, CancellationToken.None);
            hits = await MemoryStore.SearchAsync(context, options, task.CompanyId, MemoryAccess.Readable(org, agentId), query, vector, kinds: null, options.BriefingMaxItems);
        }
        catch (Models.ModelCallException ex)
        {
            Log.BriefingMemoryFailed(logger, task.Id, ex);
            return none;
        }

        var nameOf = (long id) => org.Agent(id) is { } other ? $"{other.FirstName} {other.LastName}" : null;
        var (kept, text, tokens) = Compose(hits, agentId, nameOf, options.BriefingMaxTokens);
        if (kept.Count == 0)
        {
            return none;
        }

        var ranked = kept.Select((h, i) => h with { Rank = i + 1 }).ToList();
        var recallId = await RecallRecord.WriteAsync(context, task.CompanyId, agentId, task.Id, attempt, "briefing", query,
            ranked.Select(h => h.Item.Id).ToList(), tokens, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
