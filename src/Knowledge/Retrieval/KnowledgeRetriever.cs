using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Knowledge.Audit;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Models.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;

namespace FluidManager.Knowledge.Retrieval;

/// <summary>
/// Hybrid search over the knowledge spaces an agent may read. The ACL is part of the SQL statement
/// (<see cref="KnowledgeSql.Search"/>), so no passage of an unreadable space ever leaves the database.
/// Every search is recorded (knowledge_retrievals, with its hits); a denial is also published as a
/// <c>policy.denied</c> event.
/// </summary>
public sealed class KnowledgeRetriever(
    NpgsqlDataSource dataSource,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    EmbeddingIndex index,
    DenialRecorder denials,
    IOptions<KnowledgeOptions> options,
    TimeProvider time,
    ILogger<KnowledgeRetriever> logger)
{
    public const string Action = "knowledge.search";
    public const string Rule = "knowledge.acl";
    public const int MaxQueryChars = 4000;

    public async Task<RetrievalResult> SearchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > MaxQueryChars)
        {
            throw new ValidationException("query", $"is required (1-{MaxQueryChars} characters)");
        }

        await index.RequireReadyAsync(cancellationToken);
        var vector = await embeddings.EmbedAsync(request.Query, cancellationToken);
        return await SearchAsync(request, vector, record: true, cancellationToken);
    }

    /// <summary>The search with the query's vector already computed; <paramref name="record"/> false skips the audit (benchmarks only).</summary>
    internal async Task<RetrievalResult> SearchAsync(RetrievalRequest request, float[] vector, bool record, CancellationToken cancellationToken)
    {
        var settings = options.Value.Retrieval;
        var limit = Math.Clamp(request.Limit ?? settings.DefaultResults, 1, settings.MaxResults);
        var clock = Stopwatch.StartNew();
        var rows = new List<SearchRow>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            AddHnswSettings(batch, settings);
            var search = new NpgsqlBatchCommand(KnowledgeSql.Search);
            AddCaller(search.Parameters, request);
            search.Parameters.Add(new NpgsqlParameter<Vector>("embedding", new Vector(vector)));
            search.Parameters.Add(new NpgsqlParameter("text", NpgsqlTypes.NpgsqlDbType.Text) { Value = request.Query });
            search.Parameters.Add(new NpgsqlParameter("vector_k", NpgsqlTypes.NpgsqlDbType.Integer) { Value = Math.Max(settings.VectorCandidates, limit) });
            search.Parameters.Add(new NpgsqlParameter("text_k", NpgsqlTypes.NpgsqlDbType.Integer) { Value = Math.Max(settings.TextCandidates, limit) });
            search.Parameters.Add(new NpgsqlParameter("rrf_k", NpgsqlTypes.NpgsqlDbType.Integer) { Value = settings.RrfK });
            search.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = limit });
            search.Parameters.Add(new NpgsqlParameter("snippet", NpgsqlTypes.NpgsqlDbType.Integer) { Value = settings.SnippetChars });
            batch.BatchCommands.Add(search);
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(SearchRow.Read(reader));
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var head = rows[0];
        var spaces = head.Spaces;
        var citations = rows.Where(r => r.ChunkId is not null).Select((r, i) => r.ToCitation(i + 1)).ToList();
        var reason = !head.AgentFound ? $"there is no active agent {request.AgentId} in this company"
            : !head.Rag ? "the rag tool is not enabled for this agent"
            : spaces.Count > 0 ? null
            : request.SpaceId is { } spaceId ? $"no knowledge space {spaceId} grants this agent read access"
            : request.SpaceName is { } spaceName ? $"no knowledge space named '{spaceName}' grants this agent read access"
            : "no knowledge space grants this agent read access";
        var duration = clock.Elapsed.TotalMilliseconds;
        if (!record)
        {
            return new RetrievalResult(reason is null, reason, 0, citations, spaces, duration);
        }

        var id = await RecordAsync(request, reason, spaces, citations, duration, cancellationToken);
        if (reason is not null)
        {
            Log.RetrievalDenied(logger, request.CompanyId, request.AgentId, reason);
            await denials.RecordAsync(request.CompanyId, request.AgentId, request.TaskId, Action, Rule, reason);
        }

        return new RetrievalResult(reason is null, reason, id, citations, spaces, duration);
    }

    /// <summary>The ids of the vector top-k alone, by the HNSW index or by exact scan (recall measurement).</summary>
    internal async Task<IReadOnlyList<long>> VectorTopKAsync(long companyId, long agentId, float[] vector, int k, bool exact, int? halfPrecision, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddHnswSettings(batch, options.Value.Retrieval);
        var search = new NpgsqlBatchCommand(KnowledgeSql.VectorOnly(exact, halfPrecision));
        AddCaller(search.Parameters, new RetrievalRequest(companyId, agentId, "-"));
        search.Parameters.Add(new NpgsqlParameter<Vector>("embedding", new Vector(vector)));
        search.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = k });
        batch.BatchCommands.Add(search);
        var ids = new List<long>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <summary>The audit of a company's searches, newest first.</summary>
    public async Task<IReadOnlyList<RetrievalRecord>> ListAsync(long companyId, long? agentId, long? taskId, bool? allowed, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(KnowledgeSql.Retrievals, connection)
            .With("company_id", companyId).With("agent_id", agentId).With("task_id", taskId).With("allowed", allowed).With("before", before)
            .With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new RetrievalRecord(
                r.Get<long>("id"), r.Get<long>("company_id"), r.GetOrNull<long>("agent_id"), r.GetOrNull<long>("task_id"), r.GetStringOrNull("actor"),
                r.Get<string>("query"), r.GetStringOrNull("space_filter"), r.Get<bool>("allowed"), r.GetStringOrNull("reason"), r.Get<long[]>("spaces"),
                r.Get<int>("hit_count"), r.Get<decimal>("duration_ms"), r.Get<DateTimeOffset>("at"), JsonDocument.Parse(r.Get<string>("hits")).RootElement.Clone()),
                cancellationToken);
    }

    /// <summary>
    /// Transaction-local index settings: the HNSW candidate list, and iterative scans (pgvector 0.8) so
    /// that ACL filters rejecting index candidates do not starve the top-k; JIT off (its compile time
    /// exceeds these queries' run time).
    /// </summary>
    private static void AddHnswSettings(NpgsqlBatch batch, RetrievalOptions settings)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Math.Clamp(settings.EfSearch, 1, 1000)}")));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL hnsw.iterative_scan = relaxed_order"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.max_scan_tuples = {Math.Max(1, settings.MaxScanTuples)}")));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
    }

    private static void AddCaller(NpgsqlParameterCollection parameters, RetrievalRequest request)
    {
        parameters.Add(new NpgsqlParameter("company_id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = request.CompanyId });
        parameters.Add(new NpgsqlParameter("agent_id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = request.AgentId });
        parameters.Add(new NpgsqlParameter("space_id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)request.SpaceId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("space_name", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)request.SpaceName?.Trim() ?? DBNull.Value });
    }

    private async Task<long> RecordAsync(RetrievalRequest request, string? reason, IReadOnlyList<long> spaces, IReadOnlyList<Citation> citations, double duration, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var spaceFilter = request.SpaceId?.ToString(CultureInfo.InvariantCulture) ?? request.SpaceName;
        return await new NpgsqlCommand(KnowledgeSql.Record, connection)
            .With("company_id", request.CompanyId).With("agent_id", request.AgentId).With("task_id", request.TaskId)
            .With("actor", request.Actor ?? "agent:" + request.AgentId.ToString(CultureInfo.InvariantCulture))
            .With("query", request.Query).With("space_filter", spaceFilter).With("allowed", reason is null).With("reason", reason)
            .With("spaces", spaces.ToArray()).With("duration_ms", Math.Round(duration, 3)).With("at", time.GetUtcNow())
            .With("ranks", citations.Select(c => c.Rank).ToArray())
            .With("chunk_ids", citations.Select(c => c.ChunkId).ToArray())
            .With("document_ids", citations.Select(c => c.DocumentId).ToArray())
            .With("document_names", citations.Select(c => c.DocumentName).ToArray())
            .With("space_ids", citations.Select(c => c.SpaceId).ToArray())
            .With("ordinals", citations.Select(c => c.Ordinal).ToArray())
            .With("starts", citations.Select(c => c.CharStart).ToArray())
            .With("ends", citations.Select(c => c.CharEnd).ToArray())
            .With("scores", citations.Select(c => c.Score).ToArray())
            .With("vector_ranks", citations.Select(c => c.VectorRank ?? 0).ToArray())
            .With("text_ranks", citations.Select(c => c.TextRank ?? 0).ToArray())
            .ScalarAsync<long>(cancellationToken);
    }

    private sealed record SearchRow(
        bool AgentFound, bool Rag, IReadOnlyList<long> Spaces, long? ChunkId, double Score, int? VectorRank, int? TextRank, double? Distance,
        long DocumentId, string DocumentName, long SpaceId, string SpaceName, int Ordinal, string Heading, int CharStart, int CharEnd, string Content)
    {
        public static SearchRow Read(NpgsqlDataReader r)
        {
            var chunk = r.GetOrNull<long>("id");
            return new SearchRow(
                r.Get<int>("agent_found") > 0, r.Get<bool>("rag"), r.Get<long[]>("spaces"), chunk,
                chunk is null ? 0 : r.Get<double>("score"), r.GetOrNull<int>("vector_rank"), r.GetOrNull<int>("text_rank"), r.GetOrNull<double>("distance"),
                chunk is null ? 0 : r.Get<long>("document_id"), chunk is null ? "" : r.Get<string>("document_name"),
                chunk is null ? 0 : r.Get<long>("space_id"), chunk is null ? "" : r.Get<string>("space_name"),
                chunk is null ? 0 : r.Get<int>("ordinal"), chunk is null ? "" : r.Get<string>("heading"),
                chunk is null ? 0 : r.Get<int>("char_start"), chunk is null ? 0 : r.Get<int>("char_end"), chunk is null ? "" : r.Get<string>("content"));
        }

        public Citation ToCitation(int rank) => new(rank, ChunkId!.Value, DocumentId, DocumentName, SpaceId, SpaceName, Ordinal, Heading, CharStart, CharEnd,
            Score, VectorRank, TextRank, Distance, Content);
    }
}
