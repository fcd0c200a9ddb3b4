using System.Diagnostics;
using System.Globalization;
using FluidManager.Grains;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Knowledge.Harness;

/// <summary>
/// The RAG benchmark. A deterministic synthetic corpus (chunks in 200 clusters of 384-dimensional vectors,
/// with cluster-specific words for the full-text half) spread over 20 spaces whose ACL mixes everyone,
/// department, role and single-agent rules; 40 agents each read 4 or 5 of the 20 spaces. Each query is
/// run as an agent through the product's retrieval statement (ACL in the query, hybrid, fused), and the
/// HNSW path's vector top-10 is compared with an exact scan under the same ACL.
/// </summary>
internal static class RagBench
{
    private const int Spaces = 20;
    private const int Agents = 40;
    private const int ChunksPerDocument = 100;
    private const int Clusters = 200;
    private const double TargetP95Ms = 30;
    private const double TargetRecall = 0.95;

    private const string Centers = """
        DROP TABLE IF EXISTS bench_centers;
        CREATE TABLE bench_centers AS
        SELECT c, array_agg(((hashint8(c::bigint * 1000 + d) & 1048575) / 524288.0 - 1.0)::real ORDER BY d) AS v
        FROM generate_series(0, 199) c, generate_series(1, 384) d
        GROUP BY c;
        """;

    /// <summary>Chunk g: document g / 100, cluster from a hash of g, vector = its cluster's centre + noise, text = cluster words and common words.</summary>
    private const string Chunks = """
        INSERT INTO knowledge_chunks (company_id, space_id, document_id, generation, ordinal, heading, content, char_start, char_end, token_count, embedding)
        SELECT @company_id, (@space_ids::bigint[])[g / 100 + 1], (@document_ids::bigint[])[g / 100 + 1], 1, g % 100,
               'Section ' || (g % 100 / 10),
               (SELECT string_agg(CASE WHEN (hashint8(g::bigint * 64 + w) & 1) = 0
                                       THEN 'topic' || x.cluster || 'w' || ((hashint8(g::bigint * 64 + w + 32) & 1023) % 30)
                                       ELSE 'word' || ((hashint8(g::bigint * 64 + w + 16) & 4095) % 3000) END, ' ')
                FROM generate_series(1, 30) w),
               (g % 100) * 400, (g % 100) * 400 + 399, 100,
               (SELECT array_agg(ce.v[k] + (0.35 * ((hashint8(g::bigint * 1000 + k + 7) & 1048575) / 524288.0 - 1.0))::real ORDER BY k)
                FROM generate_series(1, 384) k)::vector
        FROM generate_series(@from, @to - 1) g
        CROSS JOIN LATERAL (SELECT ((hashint8(g::bigint) & 1048575) % 200)::int AS cluster) x
        JOIN bench_centers ce ON ce.c = x.cluster
        """;

    private const string Query = """
        SELECT (SELECT array_agg(ce.v[k] + (0.35 * ((hashint8(@seed * 1000 + k) & 1048575) / 524288.0 - 1.0))::real ORDER BY k) FROM generate_series(1, 384) k)
        FROM bench_centers ce WHERE ce.c = @cluster
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "bench-rag")
        {
            await Console.Error.WriteLineAsync("usage: bench-rag [--chunks N] [--queries N] [--ef-search N]");
            return 2;
        }

        var chunks = Option(args, "--chunks", 100_000);
        var queries = Option(args, "--queries", 300);
        var efSearch = Option(args, "--ef-search", 0);
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Fluid")
            ?? throw new InvalidOperationException("Set ConnectionStrings__Fluid to the benchmark database.");
        var storage = Directory.CreateTempSubdirectory("fluid-bench-rag-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fluid"] = connectionString,
            ["Fluid:Runtime:MigrateOnStart"] = "false",
            ["Fluid:Storage:Path"] = storage,
        };
        if (efSearch > 0)
        {
            settings["Fluid:Knowledge:Retrieval:EfSearch"] = efSearch.ToString(CultureInfo.InvariantCulture);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFilter(_ => false);
        builder.AddFluidRuntime();
        builder.AddGrains();
        builder.AddKnowledge();
        using var host = builder.Build();
        var services = host.Services;
        await services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var retriever = services.GetRequiredService<KnowledgeRetriever>();

        var load = Stopwatch.StartNew();
        var (company, agents) = await LoadAsync(dataSource, chunks);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var index = Stopwatch.StartNew();
        await IndexAsync(dataSource);
        var indexSeconds = index.Elapsed.TotalSeconds;

        var plan = await PlanAsync(dataSource, company, agents[0]);
        var hybrid = new List<double>();
        var vector = new List<double>();
        var exact = new List<double>();
        var recalls = new List<double>();
        var readable = new List<double>();
        var results = new List<int>();
        for (var i = -20; i < queries; i++)
        {
            var q = Math.Abs(i);
            var agent = agents[q % agents.Count];
            var cluster = q * 37 % Clusters;
            var embedding = await QueryVectorAsync(dataSource, cluster, 50_000_000 + q);
            var text = string.Create(CultureInfo.InvariantCulture, $"topic{cluster}w{q % 30} topic{cluster}w{(q + 7) % 30} word{q * 13 % 3000}");
            var request = new RetrievalRequest(company, agent, text, Limit: 10);

            var clock = Stopwatch.StartNew();
            var result = await retriever.SearchAsync(request, embedding, record: false, CancellationToken.None);
            var hybridMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var approximate = await retriever.VectorTopKAsync(company, agent, embedding, 10, exact: false, CancellationToken.None);
            var vectorMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var truth = await retriever.VectorTopKAsync(company, agent, embedding, 10, exact: true, CancellationToken.None);
            var exactMs = clock.Elapsed.TotalMilliseconds;
            if (i < 0)
            {
                continue; // warm-up
            }

            hybrid.Add(hybridMs);
            vector.Add(vectorMs);
            exact.Add(exactMs);
            results.Add(result.Citations.Count);
            readable.Add(result.Spaces.Count / (double)Spaces);
            recalls.Add(truth.Count == 0 ? 1 : approximate.Intersect(truth).Count() / (double)truth.Count);
        }

        var p95 = Percentile(hybrid, 0.95);
        var recall = recalls.Average();
        var lines = new[]
        {
            $"chunks={chunks} dimensions=384 spaces={Spaces} agents={Agents} queries={queries} cores={Environment.ProcessorCount}",
            $"load_s={loadSeconds:0.0} index_build_s={indexSeconds:0.0}",
            $"readable_share_avg={readable.Average():0.00} results_avg={results.Average():0.0}",
            $"plan_vector_index={(plan ? "knowledge_chunks_embedding_ix" : "NOT USED")}",
            $"hybrid_p50_ms={Percentile(hybrid, 0.50):0.00}",
            $"hybrid_p95_ms={p95:0.00}",
            $"vector_p50_ms={Percentile(vector, 0.50):0.00} vector_p95_ms={Percentile(vector, 0.95):0.00}",
            $"exact_p50_ms={Percentile(exact, 0.50):0.00} exact_p95_ms={Percentile(exact, 0.95):0.00}",
            $"recall_at_10={recall:0.000} (HNSW path vs exact search, same ACL filter)",
            $"target_p95_ms<={TargetP95Ms:0} {(p95 <= TargetP95Ms ? "met" : "MISSED")}",
            $"target_recall>={TargetRecall:0.00} {(recall >= TargetRecall ? "met" : "MISSED")}",
        };
        foreach (var line in lines)
        {
            Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
        }

        Directory.Delete(storage, recursive: true);
        return 0;
    }

    private static async Task<(long Company, List<long> Agents)> LoadAsync(NpgsqlDataSource dataSource, int chunks)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; SET synchronous_commit = off");
        await ExecuteAsync(connection, "DROP INDEX IF EXISTS knowledge_chunks_embedding_ix; DROP INDEX IF EXISTS knowledge_chunks_tsv_ix");
        var company = await ScalarAsync<long>(connection, "INSERT INTO companies (name, slug) VALUES ('Bench', 'bench-' || gen_random_uuid()) RETURNING id");
        var agents = new List<long>();
        for (var j = 0; j < Agents; j++)
        {
            agents.Add(await ScalarAsync<long>(connection, """
                INSERT INTO agents (company_id, first_name, last_name, role, department, seniority, model, allowed_tools, created_at, updated_at)
                VALUES (@company, 'Agent', @name, @role, @department, 'mid', 'offline', '{rag}', now(), now()) RETURNING id
                """, ("company", company), ("name", "A" + j.ToString(CultureInfo.InvariantCulture)), ("role", "Role" + (j % 4).ToString(CultureInfo.InvariantCulture)),
                ("department", "Dept" + (j % 8).ToString(CultureInfo.InvariantCulture))));
        }

        var spaces = new List<long>();
        for (var s = 0; s < Spaces; s++)
        {
            var space = await ScalarAsync<long>(connection, """
                INSERT INTO knowledge_spaces (company_id, name, scope, created_at, updated_at) VALUES (@company, @name, 'company', now(), now()) RETURNING id
                """, ("company", company), ("name", "Space " + s.ToString(CultureInfo.InvariantCulture)));
            spaces.Add(space);
            var (kind, principal, agent) = s switch
            {
                < 2 => ("everyone", (string?)null, (long?)null),
                < 10 => ("department", "dept" + (s - 2).ToString(CultureInfo.InvariantCulture), null),
                < 14 => ("role", "role" + (s - 10).ToString(CultureInfo.InvariantCulture), null),
                _ => ("agent", null, agents[s - 14]),
            };
            await ExecuteAsync(connection, """
                INSERT INTO knowledge_space_acl (company_id, space_id, principal_kind, principal, agent_id, can_read, can_write, created_at)
                VALUES (@company, @space, @kind, @principal, @agent, true, false, now())
                """, ("company", company), ("space", space), ("kind", kind), ("principal", (object?)principal ?? DBNull.Value), ("agent", (object?)agent ?? DBNull.Value));
        }

        var documents = (chunks + ChunksPerDocument - 1) / ChunksPerDocument;
        await ExecuteAsync(connection, """
            INSERT INTO knowledge_documents (company_id, space_id, name, content_type, size_bytes, sha256, storage_key, status, generation, active_generation,
                                             chunk_count, char_count, format, created_at, updated_at, ingested_at)
            SELECT @company, (@spaces::bigint[])[1 + i % 20], 'doc-' || i || '.md', 'text/markdown', 40000, repeat('0', 64),
                   'companies/' || @company || '/knowledge/bench-' || i, 'ready', 1, 1, 100, 40000, 'markdown', now(), now(), now()
            FROM generate_series(0, @documents - 1) i ORDER BY i
            """, ("company", company), ("spaces", spaces.ToArray()), ("documents", documents));
        var rows = new List<(long Id, long Space)>();
        await using (var read = new NpgsqlCommand("SELECT id, space_id FROM knowledge_documents WHERE company_id = @company ORDER BY id", connection))
        {
            read.Parameters.AddWithValue("company", company);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        await ExecuteAsync(connection, Centers);
        const int batch = 20_000;
        for (var from = 0; from < chunks; from += batch)
        {
            await ExecuteAsync(connection, Chunks, ("company_id", company), ("space_ids", rows.Select(r => r.Space).ToArray()), ("document_ids", rows.Select(r => r.Id).ToArray()),
                ("from", from), ("to", Math.Min(chunks, from + batch)));
        }

        return (company, agents);
    }

    /// <summary>Builds the two indexes after the load, as the migration defines them, then refreshes statistics.</summary>
    private static async Task IndexAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2");
        await ExecuteAsync(connection, "CREATE INDEX knowledge_chunks_embedding_ix ON knowledge_chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
        await ExecuteAsync(connection, "CREATE INDEX knowledge_chunks_tsv_ix ON knowledge_chunks USING gin (tsv)");
        await ExecuteAsync(connection, "VACUUM ANALYZE knowledge_chunks; ANALYZE knowledge_documents; ANALYZE knowledge_space_acl; ANALYZE knowledge_spaces; ANALYZE agents");
    }

    /// <summary>Whether the retrieval statement's vector half is served by the HNSW index.</summary>
    private static async Task<bool> PlanAsync(NpgsqlDataSource dataSource, long company, long agent)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var embedding = await QueryVectorAsync(dataSource, 1, 1);
        await using var command = new NpgsqlCommand("EXPLAIN " + KnowledgeSql.Search, connection);
        command.Parameters.AddWithValue("company_id", company);
        command.Parameters.AddWithValue("agent_id", agent);
        command.Parameters.Add(new NpgsqlParameter("space_id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("space_name", NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
        command.Parameters.AddWithValue("embedding", embedding);
        command.Parameters.AddWithValue("text", "topic1w1");
        command.Parameters.AddWithValue("vector_k", 40);
        command.Parameters.AddWithValue("text_k", 40);
        command.Parameters.AddWithValue("rrf_k", 60);
        command.Parameters.AddWithValue("limit", 10);
        command.Parameters.AddWithValue("snippet", 200);
        var plan = new System.Text.StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString().Contains("knowledge_chunks_embedding_ix", StringComparison.Ordinal);
    }

    private static async Task<float[]> QueryVectorAsync(NpgsqlDataSource dataSource, int cluster, long seed)
    {
        await using var command = dataSource.CreateCommand(Query);
        command.Parameters.AddWithValue("cluster", cluster);
        command.Parameters.AddWithValue("seed", seed);
        return (float[])(await command.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
