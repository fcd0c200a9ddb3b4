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
using Pgvector;

namespace FluidManager.Knowledge.Harness;

/// <summary>
/// The RAG benchmark. A deterministic synthetic corpus (chunks in 200 clusters of 384-dimensional vectors,
/// with cluster-specific words for the full-text half), written with binary COPY through Pgvector, spread
/// over 20 spaces whose ACL mixes everyone, department, role and single-agent rules; 40 agents each read 4
/// or 5 of the 20 spaces. Each query is run as an agent through the product's retrieval statement (ACL in
/// the query, hybrid, fused), and the HNSW path's vector top-10 is compared with an exact scan under the
/// same ACL; then the same with a half-precision (halfvec) HNSW index. Last, the embedding models:
/// MiniLM's throughput, and hit@5 of MiniLM and of the hashing model on a labelled question set.
/// </summary>
internal static class RagBench
{
    private const int Spaces = 20;
    private const int Agents = 40;
    private const int ChunksPerDocument = 100;
    private const int Clusters = 200;
    private const double TargetP95Ms = 30;
    private const double TargetRecall = 0.95;

    private const int Dimensions = 384;

    /// <summary>The columns written by the binary COPY of the synthetic chunks.</summary>
    private const string CopyChunks = """
        COPY knowledge_chunks (company_id, space_id, document_id, generation, ordinal, heading, content, char_start, char_end, token_count, embedding)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The vector half with a half-precision HNSW index (an expression index on embedding::halfvec).</summary>
    private const string HalfIndex = "CREATE INDEX bench_chunks_halfvec_ix ON knowledge_chunks USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)";

    private static readonly float[][] ClusterCenters = Centers();

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
            // A silo of the database's cluster, so that the retriever's refusals reach the policy audit grain as in the
            // product: on any free port, without a gateway or dashboard.
            ["Fluid:Silo:Name"] = $"bench-rag-{Environment.ProcessId}",
            ["Fluid:Cluster:SiloPort"] = "0",
            ["Fluid:Cluster:GatewayPort"] = "0",
            ["Fluid:Cluster:Dashboard"] = "false",
        };
        if (efSearch > 0)
        {
            settings["Fluid:Knowledge:Retrieval:EfSearch"] = efSearch.ToString(CultureInfo.InvariantCulture);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFilter(_ => false);
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddKnowledge();
        using var host = builder.Build();
        var services = host.Services;
        await services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
        await host.StartAsync();
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
        var truths = new List<(long Agent, float[] Embedding, IReadOnlyList<long> Truth)>();
        for (var i = -20; i < queries; i++)
        {
            var q = Math.Abs(i);
            var agent = agents[q % agents.Count];
            var cluster = q * 37 % Clusters;
            var embedding = Noisy(cluster, 50_000_000 + q);
            var text = string.Create(CultureInfo.InvariantCulture, $"topic{cluster}w{q % 30} topic{cluster}w{(q + 7) % 30} word{q * 13 % 3000}");
            var request = new RetrievalRequest(company, agent, text, Limit: 10);

            var clock = Stopwatch.StartNew();
            var result = await retriever.SearchAsync(request, embedding, record: false, CancellationToken.None);
            var hybridMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var approximate = await retriever.VectorTopKAsync(company, agent, embedding, 10, exact: false, null, CancellationToken.None);
            var vectorMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var truth = await retriever.VectorTopKAsync(company, agent, embedding, 10, exact: true, null, CancellationToken.None);
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
            truths.Add((agent, embedding, truth));
        }

        // The same vector top-10 through a half-precision HNSW index, against the same exact answers.
        var vectorIndexBytes = await ScalarAsync<long>(dataSource, "SELECT pg_relation_size('knowledge_chunks_embedding_ix')");
        await ExecuteAsync(dataSource, "DROP INDEX knowledge_chunks_embedding_ix");
        var halfBuild = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; " + HalfIndex + "; ANALYZE knowledge_chunks");
        var halfBuildSeconds = halfBuild.Elapsed.TotalSeconds;
        var halfIndexBytes = await ScalarAsync<long>(dataSource, "SELECT pg_relation_size('bench_chunks_halfvec_ix')");
        var half = new List<double>();
        var halfRecalls = new List<double>();
        foreach (var (agent, embedding, truth) in truths.Take(5).Concat(truths))
        {
            var clock = Stopwatch.StartNew();
            var approximate = await retriever.VectorTopKAsync(company, agent, embedding, 10, exact: false, Dimensions, CancellationToken.None);
            half.Add(clock.Elapsed.TotalMilliseconds);
            halfRecalls.Add(truth.Count == 0 ? 1 : approximate.Intersect(truth).Count() / (double)truth.Count);
        }

        half.RemoveRange(0, Math.Min(5, half.Count)); // warm-up
        halfRecalls.RemoveRange(0, Math.Min(5, halfRecalls.Count));
        await ExecuteAsync(dataSource, "DROP INDEX bench_chunks_halfvec_ix");

        var models = await ModelBench.RunAsync();

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
            $"vector_index_mb={vectorIndexBytes / 1048576.0:0.0} halfvec_index_mb={halfIndexBytes / 1048576.0:0.0} halfvec_index_build_s={halfBuildSeconds:0.0}",
            $"halfvec_vector_p50_ms={Percentile(half, 0.50):0.00} halfvec_vector_p95_ms={Percentile(half, 0.95):0.00}",
            $"halfvec_recall_at_10={halfRecalls.Average():0.000} (halfvec HNSW path vs exact full-precision search, same ACL filter)",
            $"embed_model={models.Model} embed_sentences={models.Sentences} embed_load_s={models.LoadSeconds:0.0}",
            $"embed_per_s={models.PerSecond:0.0}",
            $"labelled_documents={LabelledQuestions.Items.Count} labelled_questions={LabelledQuestions.Items.Count}",
            $"semantic_hit_at_5={models.SemanticHitAt5:0.000}",
            $"hashing_hit_at_5={models.HashingHitAt5:0.000}",
        };
        foreach (var line in lines)
        {
            Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
        }

        await host.StopAsync();
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

        // Chunk g: document g / 100, cluster from a hash of g, vector = its cluster's centre + noise, text = cluster words and common words.
        await using (var copy = await connection.BeginBinaryImportAsync(CopyChunks))
        {
            for (var g = 0; g < chunks; g++)
            {
                var (document, space) = rows[g / ChunksPerDocument];
                var cluster = (int)((uint)HashCode.Combine(g, 17) % Clusters);
                var random = new Random(g);
                var words = Enumerable.Range(0, 30).Select(_ => random.Next(2) == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"topic{cluster}w{random.Next(30)}")
                    : string.Create(CultureInfo.InvariantCulture, $"word{random.Next(3000)}"));
                await copy.StartRowAsync();
                await copy.WriteAsync(company, NpgsqlTypes.NpgsqlDbType.Bigint);
                await copy.WriteAsync(space, NpgsqlTypes.NpgsqlDbType.Bigint);
                await copy.WriteAsync(document, NpgsqlTypes.NpgsqlDbType.Bigint);
                await copy.WriteAsync(1, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(g % ChunksPerDocument, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync("Section " + (g % ChunksPerDocument / 10).ToString(CultureInfo.InvariantCulture), NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(string.Join(' ', words), NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(g % ChunksPerDocument * 400, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(g % ChunksPerDocument * 400 + 399, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(100, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(new Vector(Noisy(cluster, g)));
            }

            await copy.CompleteAsync();
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
        var embedding = Noisy(1, 1);
        await using var command = new NpgsqlCommand("EXPLAIN " + KnowledgeSql.Search, connection);
        command.Parameters.AddWithValue("company_id", company);
        command.Parameters.AddWithValue("agent_id", agent);
        command.Parameters.Add(new NpgsqlParameter("space_id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("space_name", NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
        command.Parameters.AddWithValue("embedding", new Vector(embedding));
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

    /// <summary>200 fixed cluster centres, each value uniform in [-1, 1).</summary>
    private static float[][] Centers()
    {
        var random = new Random(384);
        return Enumerable.Range(0, Clusters).Select(_ => Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    /// <summary>A point of <paramref name="cluster"/>: its centre plus uniform noise of amplitude 0.35, the same for the same seed.</summary>
    private static float[] Noisy(int cluster, long seed)
    {
        var random = new Random((int)(seed % int.MaxValue) ^ 0x5bd1e995);
        var center = ClusterCenters[cluster];
        var vector = new float[Dimensions];
        for (var k = 0; k < Dimensions; k++)
        {
            vector[k] = center[k] + (float)(0.35 * (random.NextDouble() * 2 - 1));
        }

        return vector;
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

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, sql);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await ScalarAsync<T>(connection, sql);
    }
}
