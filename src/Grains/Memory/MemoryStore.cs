using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Grains.Memory;

/// <summary>The reads and the embedding of agent memory, shared by its grain, the briefing and the tools.</summary>
internal static class MemoryStore
{
    /// <summary>
    /// Hybrid search over the live items of <paramref name="agentIds"/> when <paramref name="text"/> is given
    /// (vector half only with an embedding), else their items newest first (pinned ones on top).
    /// </summary>
    public static Task<IReadOnlyList<MemoryHit>> SearchAsync(ITurnContext context, MemoryOptions options, long companyId, IReadOnlyList<long> agentIds,
        string? text, float[]? embedding, IReadOnlyList<MemoryKind>? kinds, int limit, bool includeInactive = false) =>
        SearchAsync(context.Connection, context.Transaction, options, companyId, agentIds, text, embedding, kinds, limit, context.Now, includeInactive, CancellationToken.None);

    /// <summary>As above, on <paramref name="connection"/> (inside <paramref name="transaction"/> when given; the search settings are local to it).</summary>
    public static async Task<IReadOnlyList<MemoryHit>> SearchAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MemoryOptions options, long companyId,
        IReadOnlyList<long> agentIds, string? text, float[]? embedding, IReadOnlyList<MemoryKind>? kinds, int limit, DateTimeOffset now, bool includeInactive,
        CancellationToken cancellationToken)
    {
        var ids = agentIds.ToArray();
        List<(MemoryItemDto Item, double Score)> rows;
        if (string.IsNullOrWhiteSpace(text))
        {
            rows = await new NpgsqlCommand(MemorySql.List, connection, transaction).With("company_id", companyId).With("agent_ids", ids).WithKinds(kinds)
                .With("inactive", includeInactive).With("now", now).With("limit", limit)
                .ListAsync(r => (Item: MemoryRows.Map(r), Score: r.Get<double>("score")), cancellationToken);
        }
        else
        {
            await using var command = new NpgsqlCommand(MemorySql.Search, connection, transaction)
                .With("ef_search", options.VectorEfSearch.ToString(CultureInfo.InvariantCulture))
                .With("max_tuples", options.VectorMaxScanTuples.ToString(CultureInfo.InvariantCulture))
                .With("company_id", companyId).With("agent_ids", ids).WithKinds(kinds).With("exact_max", (long)options.VectorExactMaxItems)
                .WithVector("embedding", embedding).With("text", text.Trim()).With("k", Math.Max(limit, options.CandidatesPerHalf))
                .With("sketch_k", (long)Math.Max(Math.Max(limit, options.CandidatesPerHalf), options.VectorSketchCandidates))
                .With("rrf_k", (double)options.RrfK).With("pin_bonus", options.PinBonus).With("recency_bonus", options.RecencyBonus)
                .With("half_life_days", Math.Max(0.001, options.RecencyHalfLifeDays)).With("now", now).With("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // past the settings
            rows = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((MemoryRows.Map(reader), reader.Get<double>("score")));
            }
        }

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
}
