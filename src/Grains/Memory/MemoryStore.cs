using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;
using FluidManager.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Memory;

/// <summary>The reads and the embedding of agent memory, shared by its grain, the briefing and the tools.</summary>
internal static class MemoryStore
{
    /// <summary>
    /// Hybrid search over the live items of <paramref name="agentIds"/> when <paramref name="text"/> is given
    /// (vector half only with an embedding), else their items newest first (pinned ones on top).
    /// </summary>
    public static async Task<IReadOnlyList<MemoryHit>> SearchAsync(ITurnContext context, MemoryOptions options, long companyId, IReadOnlyList<long> agentIds,
        string? text, float[]? embedding, IReadOnlyList<MemoryKind>? kinds, int limit, bool includeInactive = false)
    {
        var ids = agentIds.ToArray();
        var rows = string.IsNullOrWhiteSpace(text)
            ? await context.Sql(MemorySql.List).With("company_id", companyId).With("agent_ids", ids).WithKinds(kinds)
                .With("inactive", includeInactive).With("now", context.Now).With("limit", limit)
                .ListAsync(r => (Item: MemoryRows.Map(r), Score: r.Get<double>("score")))
            : await context.Sql(MemorySql.Search).With("company_id", companyId).With("agent_ids", ids).WithKinds(kinds)
                .WithVector("embedding", embedding).With("text", text.Trim()).With("k", Math.Max(limit, options.CandidatesPerHalf))
                .With("rrf_k", (double)options.RrfK).With("pin_bonus", options.PinBonus).With("recency_bonus", options.RecencyBonus)
                .With("half_life_days", Math.Max(0.001, options.RecencyHalfLifeDays)).With("now", context.Now).With("limit", limit)
                .ListAsync(r => (Item: MemoryRows.Map(r), Score: r.Get<double>("score")));
        return rows.Select((r, i) => new MemoryHit(i + 1, r.Score, r.Item)).ToList();
    }

    /// <summary>The vector of <paramref name="text"/> with the configured model and the model's id; nulls where this process has no embedding model.</summary>
    public static async Task<(float[]? Vector, string? Model)> EmbedAsync(IServiceProvider services, string text, CancellationToken cancellationToken)
    {
        if (services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is not { } generator)
        {
            return (null, null);
        }

        return (await generator.EmbedAsync(text, cancellationToken), generator.ModelId());
    }

    /// <summary>As <see cref="EmbedAsync"/>, but a failing model (an endpoint down) leaves the item to be found by its words only.</summary>
    public static async Task<(float[]? Vector, string? Model)> TryEmbedAsync(IServiceProvider services, string text)
    {
        try
        {
            return await EmbedAsync(services, text, CancellationToken.None);
        }
        catch (ModelCallException ex)
        {
            if (services.GetService<ILoggerFactory>() is { } loggers)
            {
                Log.MemoryNotEmbedded(loggers.CreateLogger(typeof(MemoryStore).FullName!), ex);
            }

            return (null, null);
        }
    }
}
