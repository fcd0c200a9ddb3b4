using System.Diagnostics;
using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Memory;
using FluidManager.Models;
using FluidManager.Models.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace FluidManager.Work.Harness;

/// <summary>
/// The agent memory benchmark, on a migrated database: AGENTS agents with ITEMS synthetic items each (384-dimensional
/// vectors in clusters, with cluster words for the full-text half, written with binary COPY through Pgvector), then
/// QUERIES searches, each as one agent over its own items, through the product's retrieval statement (the one the
/// briefing and the recall tool run): p50 and p95, and one search's plan. Then a labelled set the bench writes itself:
/// 30 lessons, each the one the product writes from the CEO's comment on an earlier task (the configured chat model's
/// answer to the product's lesson request), and 30 facts about other things in one agent's memory, embedded with the
/// configured model (MiniLM by default), and 30 later task briefs of the same kinds in other words: hit@5 of the right
/// lesson, the same with the comments stored bare, and the tokens the briefing section of each brief takes within the
/// configured bound.
/// </summary>
internal static class MemoryRecallBench
{
    private const int Dimensions = 384;
    private const int Clusters = 100;
    private const double TargetP95Ms = 20;
    private const double TargetHitAt5 = 0.9;

    private const string CopyItems = """
        COPY agent_memory (company_id, agent_id, kind, content, source_kind, source_task_id, source_actor, valid_from, embedding, embedding_model,
                           created_at, created_by, updated_at)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// The CEO's feedback on an earlier task, that task, and a later task brief of the same kind in other words, which should
    /// bring back the lesson the feedback left. The lesson is written as the product writes it (the configured model's
    /// answer to the product's lesson request: the offline model names the kind of work and the feedback).
    /// </summary>
    private static readonly (string Feedback, string Earlier, string Brief)[] Labelled =
    [
        ("Sale announcements must state the discount and the date it ends.", "Tell customers about the spring sale", "Write the announcement for the summer promotion"),
        ("Press releases need a quote from the CEO before they go out.", "Write the press release for the funding round", "Draft the press release about our new office"),
        ("Invoices to German customers must include the VAT number.", "Invoice the Munich distributor for March", "Send the monthly bill to the Berlin client"),
        ("Never deploy to production on a Friday afternoon.", "Deploy the billing fix to production", "Ship the hotfix to the live servers at the end of the week"),
        ("Database migrations must be reviewed by the backend lead first.", "Create an index for the slow customer lookup", "Add a new column to the orders table schema"),
        ("Job postings must list the salary range.", "Post the job ad for a backend engineer", "Publish the opening for a senior designer"),
        ("Newsletters go out on Tuesday mornings, never on weekends.", "Send the product newsletter", "Schedule this month's email digest to subscribers"),
        ("Refunds above 500 euros need the finance manager's sign-off.", "Refund the duplicate payment of a customer", "Process the customer's request to get their money back for the large order"),
        ("Social media posts must include alt text for every image.", "Share the launch screenshots on LinkedIn", "Post the product photos on Instagram"),
        ("Contracts must be sent as PDF, never as editable Word files.", "Mail the service contract to the new client", "Send the signed agreement to the supplier"),
        ("Bug reports must include the steps to reproduce.", "Report the crash in the mobile app", "File the issue about the broken checkout button"),
        ("Customer names never appear in public case studies without written consent.", "Draft a case study about the logistics customer", "Write a success story about how a client used our product"),
        ("Ad budgets over 1000 dollars need approval before the campaign starts.", "Start the social ads for the webinar", "Launch the paid advertising campaign on search engines"),
        ("Blog articles must cite the sources of every statistic.", "Publish an article about cloud spending trends", "Write a blog post with market figures on remote work"),
        ("Security incidents are reported to the CTO within one hour.", "Investigate the phishing e-mail sent to staff", "Handle the suspicious login attempts on the admin panel"),
        ("Meeting notes must list owners and due dates for every action.", "Write up the notes of the marketing sync", "Summarise the planning session with the team"),
        ("Pricing pages must show prices including tax for European visitors.", "Show the new plan prices on our site", "Update the pricing table on the website for EU customers"),
        ("API changes must keep backward compatibility for one release.", "Change the response format of the orders API", "Rename the fields of the public REST endpoint"),
        ("Onboarding emails must be sent within a day of sign-up.", "Write the first message sent after registration", "Set up the welcome sequence for new users"),
        ("Supplier quotes need at least three competing offers.", "Buy laptops for the support team", "Choose a vendor for the new office furniture"),
        ("Logos must use the approved brand colours only.", "Make a slide template for sales decks", "Design a banner with our logo for the conference"),
        ("Performance reviews are written in private, never in shared channels.", "Write the mid-year review of the support agent", "Give feedback on the junior developer's work this quarter"),
        ("Travel bookings must be economy class for flights under six hours.", "Arrange travel to the Lisbon trade fair", "Book the flights for the sales trip to Madrid"),
        ("Backups are tested by restoring them every month.", "Set up nightly backups of the CRM", "Check that we can recover the database if the server dies"),
        ("Survey results must be anonymised before sharing.", "Publish the results of the customer survey", "Share the employee satisfaction poll findings with the company"),
        ("Translations must be proofread by a native speaker.", "Translate the help centre into German", "Localise the landing page into Spanish"),
        ("Free trial extensions are limited to 14 days.", "Answer a customer who wants a longer trial", "A prospect asks for more time to evaluate the product"),
        ("Passwords are never sent by email; use the vault.", "Send the database credentials to the freelance developer", "Give the new contractor access to the staging server"),
        ("Webinar invitations go out two weeks in advance.", "Announce the webinar on security features", "Invite customers to the online product demo"),
        ("Quarterly reports must compare figures with the same quarter last year.", "Write the Q2 results report", "Prepare the Q3 revenue summary for the board"),
    ];

    private static readonly string[] Distractors =
    [
        "The office coffee machine is serviced on Wednesdays.", "Our main competitor raised prices last spring.",
        "The company was founded in Lyon in 2019.", "The design team prefers Figma over Sketch.",
        "The CRM holds 12,000 active contacts.", "Parking spaces are assigned by the facilities team.",
        "The support team answers within four hours on average.", "Our largest customer is a logistics firm.",
        "The annual retreat takes place in September.", "The backend is written in C# on .NET.",
        "The dashboard is built with React.", "The marketing budget for this year is fixed.",
        "Our uptime last quarter was 99.95 percent.", "The sales team uses a shared inbox.",
        "The wiki lives in the knowledge space called Handbook.", "New laptops are ordered through IT.",
        "The cafeteria closes at three.", "The staging environment resets every night.",
        "The podcast has forty episodes.", "Our mascot is an otter.",
        "The board meets four times a year.", "Most customers pay by card.",
        "The mobile app supports dark mode.", "Interns start in June.",
        "The warehouse is in Rotterdam.", "The company values are written on the wall.",
        "Our fiscal year starts in April.", "The legal team has two lawyers.",
        "The product roadmap is reviewed monthly.", "The help centre has 300 articles.",
    ];

    public static async Task<int> RunAsync(IServiceProvider services, string connectionString, int agents, int items, int queries)
    {
        var inv = CultureInfo.InvariantCulture;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.CommandTimeout = 0; // the bulk load and the index build take minutes on a small machine
        builder.UseVector();
        await using var data = builder.Build();
        var options = services.GetRequiredService<IOptions<MemoryOptions>>().Value;
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var company = await ScalarAsync<long>(data, "INSERT INTO companies (name, slug) VALUES ('Memory bench', 'memory-bench-' || gen_random_uuid()) RETURNING id");
        var agentIds = new List<long>();
        for (var i = 0; i < agents + 2; i++)
        {
            agentIds.Add(await ScalarAsync<long>(data, $"""
                INSERT INTO agents (company_id, first_name, last_name, role, department, seniority, model, created_at, updated_at)
                VALUES ({company}, 'Agent', '{i}', 'Writer', 'Marketing', 'mid', 'offline', now(), now()) RETURNING id
                """));
        }

        var labelledAgent = agentIds[^2];
        var bareAgent = agentIds[^1];
        // A bulk load as an operator would do it: the HNSW index is dropped, the rows copied, then the index built
        // again in one pass (the product's own definition, read from the catalogue) rather than row by row.
        var indexDefinition = await ScalarAsync<string>(data, "SELECT pg_get_indexdef('agent_memory_embedding_ix'::regclass)");
        await ExecuteAsync(data, "DROP INDEX agent_memory_embedding_ix");
        var loadWatch = Stopwatch.StartNew();
        var random = new Random(14);
        var centers = Enumerable.Range(0, Clusters).Select(_ => Unit(Enumerable.Range(0, Dimensions).Select(_ => (float)Gaussian(random)).ToArray())).ToArray();
        await using (var connection = await data.OpenConnectionAsync())
        await using (var writer = await connection.BeginBinaryImportAsync(CopyItems))
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var agent in agentIds.Take(agents))
            {
                for (var n = 0; n < items; n++)
                {
                    var cluster = random.Next(Clusters);
                    await writer.StartRowAsync();
                    await writer.WriteAsync(company, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(agent, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(n % 3 == 0 ? "lesson" : n % 3 == 1 ? "fact" : "episode", NpgsqlDbType.Text);
                    await writer.WriteAsync(string.Create(inv, $"Item {n} about topic{cluster} and theme{cluster % 17} for agent {agent}."), NpgsqlDbType.Text);
                    await writer.WriteAsync("task", NpgsqlDbType.Text);
                    await writer.WriteAsync((long)n, NpgsqlDbType.Bigint);
                    await writer.WriteAsync("system", NpgsqlDbType.Text);
                    await writer.WriteAsync(now.AddMinutes(-n), NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(new Vector(Near(centers[cluster], random, 0.35)), "vector");
                    await writer.WriteAsync("bench", NpgsqlDbType.Text);
                    await writer.WriteAsync(now.AddMinutes(-n), NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync("system", NpgsqlDbType.Text);
                    await writer.WriteAsync(now.AddMinutes(-n), NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        var load = loadWatch.Elapsed;
        var indexWatch = Stopwatch.StartNew();
        await ExecuteAsync(data, $"SET maintenance_work_mem = '3GB'; SET max_parallel_maintenance_workers = 2; {indexDefinition}");
        var indexBuild = indexWatch.Elapsed;
        await ExecuteAsync(data, "VACUUM ANALYZE agent_memory");
        Console.WriteLine(string.Create(inv, $"memory_items={agents * items} memory_agents={agents} load_s={load.TotalSeconds:0.0} hnsw_build_s={indexBuild.TotalSeconds:0.0}"));

        // Latency: each query searches one agent's items, as a briefing does; with the product's settings (an agent's
        // ten thousand items are measured exactly), then with the vector half always walking the HNSW index, for comparison.
        var hnswOnly = new MemoryOptions
        {
            BriefingMaxItems = options.BriefingMaxItems, CandidatesPerHalf = options.CandidatesPerHalf, VectorEfSearch = options.VectorEfSearch,
            VectorMaxScanTuples = options.VectorMaxScanTuples, VectorExactMaxItems = 0, VectorSketchCandidates = options.VectorSketchCandidates, RrfK = options.RrfK, PinBonus = options.PinBonus,
            RecencyBonus = options.RecencyBonus, RecencyHalfLifeDays = options.RecencyHalfLifeDays,
        };
        var latencies = new List<double>();
        var hnswLatencies = new List<double>();
        for (var q = 0; q < queries; q++)
        {
            var cluster = random.Next(Clusters);
            var agent = agentIds[random.Next(agents)];
            var vector = Near(centers[cluster], random, 0.35);
            var text = string.Create(inv, $"topic{cluster} theme{cluster % 17}");
            foreach (var (settings, measured) in new[] { (options, latencies), (hnswOnly, hnswLatencies) })
            {
                var watch = Stopwatch.StartNew();
                var found = await SearchAsync(data, settings, company, agent, text, vector, options.BriefingMaxItems);
                measured.Add(watch.Elapsed.TotalMilliseconds);
                if (found.Count == 0)
                {
                    await Console.Error.WriteLineAsync($"query {q} found nothing in agent {agent}'s memory");
                    return 1;
                }
            }
        }

        latencies.Sort();
        hnswLatencies.Sort();
        // One search's plan as it runs, the last of five (the first ones warm the agent's pages), for a figure less noisy than
        // wall-clock latencies on a shared machine: the statement's own execution time.
        var plan = "";
        for (var i = 0; i < 5; i++)
        {
            plan = await PlanAsync(data, options, company, agentIds[0], "topic1 theme1", Near(centers[1], random, 0.35), options.BriefingMaxItems);
        }

        await Console.Error.WriteLineAsync(plan);
        var executionMs = plan.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Execution Time: ", StringComparison.Ordinal))
            .Select(l => l["Execution Time: ".Length..].Replace(" ms", "", StringComparison.Ordinal)).LastOrDefault() ?? "?";
        var p50 = Percentile(latencies, 0.50);
        var p95 = Percentile(latencies, 0.95);

        // hit@5 on the labelled set, with the configured embedding model. Each lesson is the one the product writes from the CEO's
        // comment on the earlier task: the configured chat model's answer to the product's lesson request (the feedback's own
        // lesson when the model gives none). Beside it, the same feedback stored bare, as a person would type it into memory.
        var chat = services.GetRequiredService<IChatModelProvider>();
        var lessonModel = chat.Resolve(chat.DefaultModel);
        var lessons = new List<string>();
        for (var i = 0; i < Labelled.Length; i++)
        {
            var (feedback, earlier, _) = Labelled[i];
            var request = LessonPrompt.Build(new LessonContext
            {
                Agent = new LessonAgentRef(labelledAgent, "Agent Labelled", "Writer", "Marketing"),
                Task = new LessonTaskRef(i + 1, earlier, ""),
                Feedback = new LessonFeedback(FeedbackLessons.Comment, feedback, "human:1"),
            });
            var answer = await lessonModel.GetResponseAsync(request, CancellationToken.None);
            lessons.Add(LessonContext.TryParseAnswer(answer.Text, out var lesson) && lesson is not null ? lesson : FeedbackLessons.FromComment(earlier, feedback)!);
        }

        var (hits, tokens) = await HitsAsync(data, generator, options, company, labelledAgent, lessons, fromTasks: true);
        var (bareHits, _) = await HitsAsync(data, generator, options, company, bareAgent, Labelled.Select(l => l.Feedback).ToList(), fromTasks: false);

        var hitAt5 = (double)hits / Labelled.Length;
        Console.WriteLine(string.Create(inv, $"memory_p50_ms={p50:0.00}"));
        Console.WriteLine(string.Create(inv, $"memory_p95_ms={p95:0.00} (goal <= {TargetP95Ms})"));
        Console.WriteLine(string.Create(inv, $"memory_plan_execution_ms={executionMs} (EXPLAIN ANALYZE of one search of an agent's {items} items, warm)"));
        Console.WriteLine(string.Create(inv, $"memory_hnsw_only_p50_ms={Percentile(hnswLatencies, 0.50):0.00} memory_hnsw_only_p95_ms={Percentile(hnswLatencies, 0.95):0.00} (the same queries, the vector half always by the HNSW index)"));
        Console.WriteLine(string.Create(inv, $"memory_hit_at_5={hitAt5:0.00} (goal >= {TargetHitAt5}, {generator.ModelId()}, {Labelled.Length} briefs; lessons as the product writes them from feedback on an earlier task, by {chat.DefaultModel})"));
        Console.WriteLine(string.Create(inv, $"memory_hit_at_5_bare={(double)bareHits / Labelled.Length:0.00} (the same feedback stored bare as the lessons, without the task it was given on)"));
        Console.WriteLine(string.Create(inv, $"briefing_memory_tokens={tokens.Average():0} (mean; max {tokens.Max()}, bound {options.BriefingMaxTokens})"));
        return 0;
    }

    /// <summary>
    /// Writes the lessons (each labelled brief's, in order) and the distractor facts into an agent's memory with the configured
    /// embedding model, then searches with each brief: how many found their lesson in the top five, and the tokens of each
    /// brief's memory section.
    /// </summary>
    private static async Task<(int Hits, List<int> Tokens)> HitsAsync(NpgsqlDataSource data, IEmbeddingGenerator<string, Embedding<float>> generator,
        MemoryOptions options, long company, long agent, IReadOnlyList<string> lessons, bool fromTasks)
    {
        var texts = lessons.Concat(Distractors).ToList();
        var vectors = await generator.EmbedAsync(texts, CancellationToken.None);
        var lessonIds = new long[lessons.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var lesson = i < lessons.Count;
            await using var insert = data.CreateCommand(MemorySql.Insert);
            insert.Parameters.AddWithValue("company_id", company);
            insert.Parameters.AddWithValue("agent_id", agent);
            insert.Parameters.AddWithValue("kind", lesson ? "lesson" : "fact");
            insert.Parameters.AddWithValue("content", texts[i]);
            insert.Parameters.AddWithValue("source_kind", lesson && fromTasks ? "task" : "person");
            insert.Parameters.Add(new NpgsqlParameter("source_task_id", NpgsqlDbType.Bigint) { Value = lesson && fromTasks ? i + 1L : DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("source_meeting_id", NpgsqlDbType.Bigint) { Value = DBNull.Value });
            insert.Parameters.AddWithValue("source_actor", "human:1");
            insert.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
            insert.Parameters.Add(new NpgsqlParameter("supersedes_id", NpgsqlDbType.Bigint) { Value = DBNull.Value });
            insert.Parameters.AddWithValue("pinned", false);
            insert.Parameters.Add(new NpgsqlParameter { ParameterName = "embedding", DataTypeName = "vector", Value = new Vector(vectors[i]) });
            insert.Parameters.AddWithValue("embedding_model", generator.ModelId());
            var id = (long)(await insert.ExecuteScalarAsync())!;
            if (lesson)
            {
                lessonIds[i] = id;
            }
        }

        var briefs = await generator.EmbedAsync(Labelled.Select(l => l.Brief).ToList(), CancellationToken.None);
        var hits = 0;
        var tokens = new List<int>();
        for (var i = 0; i < Labelled.Length; i++)
        {
            var top = await SearchAsync(data, options, company, agent, Labelled[i].Brief, briefs[i], options.BriefingMaxItems);
            if (top.Take(5).Any(h => h.Item.Id == lessonIds[i]))
            {
                hits++;
            }

            tokens.Add(MemoryBriefing.Compose(top, agent, _ => null, options.BriefingMaxTokens).Tokens);
        }

        return (hits, tokens);
    }

    /// <summary>The product's search, as the briefing's activity runs it.</summary>
    private static async Task<IReadOnlyList<MemoryHit>> SearchAsync(NpgsqlDataSource data, MemoryOptions options, long company, long agent, string text, float[] vector, int limit)
    {
        await using var connection = await data.OpenConnectionAsync();
        return await MemoryStore.SearchAsync(connection, transaction: null, options, company, [agent], text, vector, kinds: null, limit, DateTimeOffset.UtcNow,
            includeInactive: false, CancellationToken.None);
    }

    /// <summary>The plan of one search, as it runs (EXPLAIN ANALYZE with the product's settings and statement).</summary>
    private static async Task<string> PlanAsync(NpgsqlDataSource data, MemoryOptions options, long company, long agent, string text, float[] vector, int limit)
    {
        await using var connection = await data.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await new NpgsqlCommand(MemorySql.SearchSettings, connection, transaction)
            .With("ef_search", options.VectorEfSearch.ToString(CultureInfo.InvariantCulture))
            .With("max_tuples", options.VectorMaxScanTuples.ToString(CultureInfo.InvariantCulture)).ExecuteAsync();
        var lines = await new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + MemorySql.SearchQuery, connection, transaction).With("company_id", company).With("agent_ids", new[] { agent })
            .WithKinds(null).With("exact_max", (long)options.VectorExactMaxItems).WithVector("embedding", vector).With("text", text).With("k", Math.Max(limit, options.CandidatesPerHalf))
            .With("sketch_k", (long)Math.Max(Math.Max(limit, options.CandidatesPerHalf), options.VectorSketchCandidates)).With("rrf_k", (double)options.RrfK)
            .With("pin_bonus", options.PinBonus).With("recency_bonus", options.RecencyBonus).With("half_life_days", options.RecencyHalfLifeDays)
            .With("now", DateTimeOffset.UtcNow).With("limit", limit).ListAsync(r => WithoutVectors(r.GetString(0)));
        return "plan of one search:\n  " + string.Join("\n  ", lines);
    }

    /// <summary>A plan line with each vector literal shortened.</summary>
    private static string WithoutVectors(string line)
    {
        int start;
        while ((start = line.IndexOf("'[", StringComparison.Ordinal)) >= 0 && line.IndexOf("]'", start, StringComparison.Ordinal) is var end and > 0)
        {
            line = line[..start] + "<query vector>" + line[(end + 2)..];
        }

        return line;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] Near(float[] center, Random random, double spread) =>
        Unit(center.Select(c => (float)(c + (spread * Gaussian(random) / Math.Sqrt(Dimensions)))).ToArray());

    private static float[] Unit(float[] v)
    {
        var norm = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
