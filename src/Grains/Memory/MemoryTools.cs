using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Models;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>
/// <c>recall</c>: searches the calling agent's memory (or, with <c>agent_id</c>, the memory of an agent below it
/// in the chart) mid-task. The answer lists the items as [M&lt;id&gt;]; the recall is recorded in the task's trace.
/// Reading another agent's memory without the right is denied and the denial recorded.
/// </summary>
public sealed class RecallTool(IGrainFactory grains, IServiceProvider services) : IAgentTool
{
    public const string ToolName = "recall";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Search your memory: facts, lessons and episodes of your earlier tasks and meetings. Returns items as [M<id>]; cite the ones you use.",
        """
        {"type":"object","properties":{
          "query":{"type":"string","description":"What you want to remember, in words."},
          "kind":{"type":"string","enum":["fact","lesson","episode"],"description":"Optional: only this kind of item."},
          "agent_id":{"type":"integer","description":"Optional: an agent below you in the chart whose memory to search."},
          "limit":{"type":"integer","description":"How many items (1-20, default 5)."}},
         "required":["query"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentToolCatalog.EveryAgent;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("query", "q", "question", "text", "search") is not { } query)
        {
            return AgentToolResult.Error("'query' is required.");
        }

        if (query.Length > 2000)
        {
            return AgentToolResult.Error("'query' must be at most 2000 characters.");
        }

        MemoryKind? kind = null;
        if (args.Text("kind", "type") is { } kindText)
        {
            if (!Enum.TryParse<MemoryKind>(kindText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return AgentToolResult.Error($"'kind' must be fact, lesson or episode, not '{kindText}'.");
            }

            kind = parsed;
        }

        var owner = args.Long("agent_id", "agent") ?? invocation.AgentId;
        var limit = (int)Math.Clamp(args.Long("limit", "k", "top_k") ?? 5, 1, 20);
        var started = Stopwatch.GetTimestamp();
        var (vector, _) = await MemoryStore.EmbedAsync(services, query, cancellationToken);
        IReadOnlyList<MemoryHit> hits;
        using (CallerContext.As(Data.Actor.AgentName(invocation.AgentId)))
        {
            var memory = grains.GetGrain<IAgentMemoryGrain>(owner);
            try
            {
                hits = await memory.SearchAsync(new MemoryQuery
                {
                    CompanyId = invocation.CompanyId,
                    ReaderAgentId = invocation.AgentId,
                    Text = query,
                    Embedding = vector,
                    Kinds = kind is { } k ? [k] : null,
                    Limit = limit,
                    TaskId = invocation.TaskId,
                });
            }
            catch (PolicyDeniedException ex)
            {
                return AgentToolResult.Denied(ex.Message, Metadata(new { agentId = owner, rule = ex.Rule }));
            }
            catch (NotFoundException ex)
            {
                return AgentToolResult.Error(ex.Message);
            }

            var text = Describe(query, hits);
            var recallId = await memory.RecordRecallAsync(invocation.CompanyId, invocation.TaskId, query, hits.Select(h => h.Item.Id).ToList(),
                TokenEstimator.Count(text), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return AgentToolResult.Ok(text, Metadata(new
            {
                recallId,
                agentId = owner,
                items = hits.Select(h => new { h.Rank, h.Item.Id, kind = h.Item.Kind, score = Math.Round(h.Score, 6), h.Item.SourceKind, h.Item.SourceTaskId, h.Item.SourceMeetingId }),
            }));
        }
    }

    internal static JsonElement Metadata(object value) => JsonSerializer.SerializeToElement(value, value.GetType(), RuntimeJson.Options);

    private static string Describe(string query, IReadOnlyList<MemoryHit> hits)
    {
        if (hits.Count == 0)
        {
            return $"nothing in memory matches \"{query}\".";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{hits.Count} item(s) from memory; cite them as [M<id>]:\n");
        foreach (var hit in hits)
        {
            var item = hit.Item;
            var source = item.SourceKind switch
            {
                MemorySourceKind.Task => $"task #{item.SourceTaskId}",
                MemorySourceKind.Meeting => $"meeting #{item.SourceMeetingId}",
                MemorySourceKind.Person => item.SourceActor,
                _ => "the agent",
            };
            text.Append(CultureInfo.InvariantCulture, $"\n[M{item.Id}] {item.Kind.ToString().ToLowerInvariant()} from {source}, {item.CreatedAt:yyyy-MM-dd}: {item.Content}\n");
        }

        return text.ToString();
    }
}

/// <summary>
/// <c>remember</c>: writes a fact or a lesson to the calling agent's memory, with the task as its source;
/// <c>supersedes</c> names an older item the new one contradicts, which then stops being valid.
/// </summary>
public sealed class RememberTool(IGrainFactory grains, IServiceProvider services) : IAgentTool
{
    public const string ToolName = "remember";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Write a short fact or lesson to your memory, for your next tasks. If it contradicts an item you recalled, name that item's id in supersedes.",
        """
        {"type":"object","properties":{
          "content":{"type":"string","description":"The fact or lesson, in one or two sentences."},
          "kind":{"type":"string","enum":["fact","lesson"],"description":"fact (default) or lesson."},
          "supersedes":{"type":"integer","description":"Optional: the id of the older item (M<id>) this one replaces."}},
         "required":["content"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentToolCatalog.EveryAgent;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("content", "text", "fact", "lesson", "memory") is not { } content)
        {
            return AgentToolResult.Error("'content' is required.");
        }

        var kind = MemoryKind.Fact;
        if (args.Text("kind", "type") is { } kindText && !(Enum.TryParse(kindText, ignoreCase: true, out kind) && kind is MemoryKind.Fact or MemoryKind.Lesson))
        {
            return AgentToolResult.Error($"'kind' must be fact or lesson, not '{kindText}'.");
        }

        var supersedes = args.Long("supersedes", "replaces", "supersedes_id");
        if (supersedes is null && args.Text("supersedes", "replaces") is { } named && named.TrimStart('M', 'm') is var digits
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            supersedes = parsed;
        }

        var (vector, model) = await MemoryStore.EmbedAsync(services, content, cancellationToken);
        using (CallerContext.As(Data.Actor.AgentName(invocation.AgentId)))
        {
            try
            {
                var item = await grains.GetGrain<IAgentMemoryGrain>(invocation.AgentId).RememberAsync(new RememberCommand
                {
                    CompanyId = invocation.CompanyId,
                    Kind = kind,
                    Content = content,
                    SourceKind = invocation.TaskId is null ? MemorySourceKind.Agent : MemorySourceKind.Task,
                    SourceTaskId = invocation.TaskId,
                    Supersedes = supersedes,
                    Embedding = vector,
                    EmbeddingModel = model,
                    ActingAgentId = invocation.AgentId,
                });
                return AgentToolResult.Ok(
                    $"remembered as [M{item.Id}]" + (item.SupersedesId is { } older ? $"; [M{older}] is superseded and no longer recalled." : "."),
                    RecallTool.Metadata(new { itemId = item.Id, kind = item.Kind, supersedes = item.SupersedesId }));
            }
            catch (ValidationException ex)
            {
                return AgentToolResult.Error(ex.Message);
            }
            catch (DomainException ex) when (ex is NotFoundException or ConflictException)
            {
                return AgentToolResult.Error(ex.Message);
            }
        }
    }
}
