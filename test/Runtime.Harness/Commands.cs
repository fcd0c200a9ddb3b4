using System.Diagnostics;
using System.Globalization;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.Migrations;
using FluidManager.Runtime.TestGrains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Runtime.Harness;

internal static class Commands
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: harness migrate|silo|seed|wait-quiet|check|bench-turns|bench-commit|bench-messages|bench-activities|bench-activities-seed|bench-activities-drain|bench-notify ...");
            return 2;
        }

        var rest = args.Skip(1).ToArray();
        return args[0] switch
        {
            "migrate" => await MigrateAsync(),
            "silo" => await SiloAsync(rest),
            "seed" => await SeedAsync(int.Parse(rest[0], Inv), int.Parse(rest[1], Inv)),
            "wait-quiet" => await WaitQuietAsync(double.Parse(rest[0], Inv)),
            "check" => await CheckAsync(),
            "bench-turns" => await BenchTurnsAsync(int.Parse(rest[0], Inv), double.Parse(rest[1], Inv)),
            "bench-commit" => await BenchCommitAsync(double.Parse(rest[0], Inv)),
            "bench-messages" => await BenchMessagesAsync(int.Parse(rest[0], Inv)),
            "bench-activities" => await BenchActivitiesAsync(int.Parse(rest[0], Inv)),
            "bench-activities-seed" => await SeedActivitiesAsync(int.Parse(rest[0], Inv)),
            "bench-activities-drain" => await DrainActivitiesAsync(int.Parse(rest[0], Inv), long.Parse(rest[1], Inv)),
            "bench-notify" => await BenchNotifyAsync(int.Parse(rest[0], Inv)),
            _ => throw new ArgumentException($"unknown command '{args[0]}'"),
        };
    }

    private static string ConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Fluid")
        ?? throw new InvalidOperationException("set ConnectionStrings__Fluid");

    /// <summary>
    /// A host with the test grains: an Orleans silo of the database's cluster, as the product's silos are, so that
    /// its calls reach each grain's activation wherever the cluster placed it. Only with <paramref name="pumps"/>
    /// does it deliver messages and run activities.
    /// </summary>
    private static IHost BuildHost(bool pumps, string name, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Fluid:Runtime:MigrateOnStart"] = "false";
        builder.Configuration["Fluid:Silo:Name"] ??= name;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddFluidRuntime();
        // Unless the environment says otherwise: any free port, no gateway, and a killed silo declared
        // dead within seconds, since chaos runs and crash tests kill these processes.
        builder.Configuration["Fluid:Cluster:SiloPort"] ??= "0";
        builder.Configuration["Fluid:Cluster:GatewayPort"] ??= "0";
        builder.Configuration["Fluid:Cluster:FastMembership"] ??= "true";
        builder.Configuration["Fluid:Cluster:Dashboard"] ??= "false";
        builder.AddFluidSilo();

        builder.Services.AddTestGrains(name);
        if (pumps)
        {
            builder.AddSiloPumps();
        }

        services?.Invoke(builder.Services);
        return builder.Build();
    }

    private static async Task<int> MigrateAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var runner = new MigrationRunner(dataSource, [new(typeof(FluidRuntimeHostingExtensions).Assembly), new(typeof(TestGrainRegistration).Assembly)], Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance);
        var applied = await runner.ApplyAsync(CancellationToken.None);
        Console.WriteLine($"migrations applied: {applied.Count}");
        return 0;
    }

    private static async Task<int> SiloAsync(string[] args)
    {
        var name = args.Length > 0 ? args[0] : $"harness-{Environment.ProcessId}";
        using var host = BuildHost(pumps: true, name);
        await host.RunAsync();
        return 0;
    }

    /// <summary>Posts messages from 20 senders to 50 counters, and schedules activities on 50 workers.</summary>
    private static async Task<int> SeedAsync(int messages, int activities)
    {
        using var host = BuildHost(pumps: false, "seeder");
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        const int Targets = 50;
        const int Batch = 25;
        var sent = 0;
        // Sequence numbers grow across seeding runs, so FIFO can be checked over the whole chaos run.
        var sequence = Enumerable.Repeat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 100_000, Targets).ToArray();
        var random = new Random(7);
        while (sent < messages)
        {
            var target = random.Next(Targets);
            var count = Math.Min(Batch, messages - sent);
            await Retry(() => grains.GetGrain<ICounterGrain>($"sender-{random.Next(20)}").SendAsync($"target-{target}", count, sequence[target] + 1));
            sequence[target] += count;
            sent += count;
        }

        for (var i = 0; i < activities; i++)
        {
            var worker = grains.GetGrain<IWorkerGrain>($"worker-{i % 50}");
            await Retry(() => worker.StartAsync(new SleepInput(random.Next(0, 40)), maxAttempts: 20, timeoutSeconds: 30));
        }

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var record = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS testgrains.expected (kind text PRIMARY KEY, n bigint NOT NULL); INSERT INTO testgrains.expected VALUES ('messages', @m), ('activities', @a) ON CONFLICT (kind) DO UPDATE SET n = testgrains.expected.n + EXCLUDED.n");
        record.Parameters.AddWithValue("m", (long)messages);
        record.Parameters.AddWithValue("a", (long)activities);
        await record.ExecuteNonQueryAsync();
        await host.StopAsync();
        Console.WriteLine($"seeded messages={messages} activities={activities}");
        return 0;
    }

    /// <summary>A seeding call may meet a restarting database: it is retried (a failed turn left nothing behind).</summary>
    private static async Task Retry(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (NpgsqlException) when (attempt < 100)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<int> WaitQuietAsync(double seconds)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT (SELECT count(*) FROM runtime.messages) + (SELECT count(*) FROM runtime.activities WHERE status IN ('pending', 'running'))");
                var left = (long)(await command.ExecuteScalarAsync())!;
                if (left == 0)
                {
                    Console.WriteLine($"quiet after {clock.Elapsed.TotalSeconds:0.0} s");
                    return 0;
                }
            }
            catch (NpgsqlException)
            {
                // database restarting
            }

            await Task.Delay(500);
        }

        Console.WriteLine("not quiet in time");
        return 1;
    }

    private static async Task<int> CheckAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        async Task<long> Scalar(string sql)
        {
            await using var command = dataSource.CreateCommand(sql);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), Inv);
        }

        var expectedMessages = await Scalar("SELECT COALESCE((SELECT n FROM testgrains.expected WHERE kind = 'messages'), 0)");
        var expectedActivities = await Scalar("SELECT COALESCE((SELECT n FROM testgrains.expected WHERE kind = 'activities'), 0)");
        var appliedDistinct = await Scalar("SELECT count(DISTINCT message_id) FROM testgrains.applied");
        var appliedRows = await Scalar("SELECT count(*) FROM testgrains.applied");
        var counterSum = await Scalar("SELECT COALESCE(sum(value), 0) FROM testgrains.counters WHERE key LIKE 'target-%'");
        var outcomeDistinct = await Scalar("SELECT count(DISTINCT activity_id) FROM testgrains.activity_outcomes");
        var outcomeRows = await Scalar("SELECT count(*) FROM testgrains.activity_outcomes");
        var failedOutcomes = await Scalar("SELECT count(*) FROM testgrains.activity_outcomes WHERE NOT succeeded");
        var deadLetters = await Scalar("SELECT count(*) FROM runtime.dead_letters");
        var overlapping = await Scalar("""
            SELECT count(*) FROM testgrains.turns a JOIN testgrains.turns b
              ON a.grain = b.grain AND a.id < b.id AND a.started_at < b.ended_at AND b.started_at < a.ended_at
            """);
        var activations = await Scalar("SELECT count(DISTINCT (grain, activation)) FROM testgrains.turns");
        var silos = await Scalar("SELECT count(DISTINCT silo) FROM testgrains.turns");
        var fifoBreaks = await Scalar("""
            SELECT count(*) FROM (SELECT seq, lag(seq) OVER (PARTITION BY grain ORDER BY id) AS prev FROM testgrains.applied) s
            WHERE prev IS NOT NULL AND seq <= prev
            """);

        var lost = (expectedMessages - appliedDistinct) + (expectedActivities - outcomeDistinct) + (appliedDistinct - counterSum);
        var duplicated = (appliedRows - appliedDistinct) + (outcomeRows - outcomeDistinct);
        Console.WriteLine($"detail: applied={appliedDistinct}/{expectedMessages} counter_sum={counterSum} outcomes={outcomeDistinct}/{expectedActivities} failed_outcomes={failedOutcomes} dead_letters={deadLetters} fifo_breaks={fifoBreaks} turn_records_from_silos={silos} activations={activations}");
        Console.WriteLine($"messages={appliedDistinct} activities={outcomeDistinct} lost={lost} duplicated={duplicated} overlapping_turns={overlapping}");
        return lost == 0 && duplicated == 0 && overlapping == 0 && fifoBreaks == 0 && deadLetters == 0 && failedOutcomes == 0 ? 0 : 1;
    }

    private static async Task<int> BenchTurnsAsync(int clients, double seconds)
    {
        using var host = BuildHost(pumps: false, "bench");
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<ICounterGrain>("warm").IncrementAsync();

        var (distinct, latencies) = await RunClientsAsync(clients, seconds, i => grains.GetGrain<ICounterGrain>($"bench-{i}").BumpAsync());
        var (one, _) = await RunClientsAsync(clients, seconds, _ => grains.GetGrain<ICounterGrain>("bench-one").BumpAsync());
        // The bench-{i} activations are active now: a read-only call each, answered from the value the
        // activation keeps in memory (read once; a read-only turn opens no transaction until it needs one).
        var (reads, _) = await RunClientsAsync(clients, seconds, i => grains.GetGrain<ICounterGrain>($"bench-{i}").GetRememberedAsync());
        latencies.Sort();
        Console.WriteLine($"turns_per_s={distinct / seconds:0.0}");
        Console.WriteLine($"one_grain_turns_per_s={one / seconds:0.0}");
        Console.WriteLine($"warm_reads_per_s={reads / seconds:0.0}");
        Console.WriteLine($"turn_p50_ms={Percentile(latencies, 0.50):0.00}");
        Console.WriteLine($"turn_p99_ms={Percentile(latencies, 0.99):0.00}");
        await host.StopAsync();
        return 0;
    }

    private static async Task<(long Count, List<double> LatenciesMs)> RunClientsAsync(int clients, double seconds, Func<int, Task> call)
    {
        var stop = Stopwatch.StartNew();
        var latencies = new List<double>[clients];
        var counts = new long[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            latencies[i] = [];
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var started = Stopwatch.GetTimestamp();
                await call(i);
                latencies[i].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                counts[i]++;
            }
        })));
        return (counts.Sum(), latencies.SelectMany(l => l).ToList());
    }

    private static async Task<int> BenchCommitAsync(double seconds)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using (var setup = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS testgrains.commit_probe (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO testgrains.commit_probe VALUES (1, 0) ON CONFLICT DO NOTHING"))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var started = Stopwatch.GetTimestamp();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var update = new NpgsqlCommand("UPDATE testgrains.commit_probe SET n = n + 1 WHERE id = 1", connection, transaction))
            {
                await update.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        var median = Percentile(latencies, 0.5);
        Console.WriteLine($"commit_median_ms={median:0.000}");
        Console.WriteLine($"commit_rate={1000 / median:0.0}");
        return 0;
    }

    /// <summary>Posts N messages (one turn each posting 50), then times until the running silos applied them all.</summary>
    private static async Task<int> BenchMessagesAsync(int count)
    {
        using var host = BuildHost(pumps: false, "bench");
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var before = await CountAsync(dataSource, "SELECT count(*) FROM testgrains.applied");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async sender =>
        {
            for (var sent = sender * 50; sent < count; sent += 8 * 50)
            {
                await grains.GetGrain<ICounterGrain>($"bench-sender-{sender}").SendAsync($"bench-target-{(sent / 50) % 200}", Math.Min(50, count - sent), sent);
            }
        }));
        var posted = clock.Elapsed.TotalSeconds;
        while (await CountAsync(dataSource, "SELECT count(*) FROM testgrains.applied") - before < count)
        {
            await Task.Delay(20);
        }

        Console.WriteLine($"posted_messages_per_s={count / clock.Elapsed.TotalSeconds:0.0}");
        Console.WriteLine($"post_only_per_s={count / posted:0.0}");
        await host.StopAsync();
        return 0;
    }

    private static async Task<int> BenchActivitiesAsync(int count)
    {
        using var host = BuildHost(pumps: false, "bench");
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var before = await CountAsync(dataSource, "SELECT count(*) FROM testgrains.activity_outcomes");
        var clock = Stopwatch.StartNew();
        await ScheduleNoOpsAsync(grains, count);
        while (await CountAsync(dataSource, "SELECT count(*) FROM testgrains.activity_outcomes") - before < count)
        {
            await Task.Delay(20);
        }

        Console.WriteLine($"scheduled_activities_per_s={count / clock.Elapsed.TotalSeconds:0.0}");
        await host.StopAsync();
        return 0;
    }

    /// <summary>
    /// Schedules no-op activities on 400 worker grains from 8 clients while no silo runs, and prints how
    /// many outcomes existed before (the drain's starting point).
    /// </summary>
    private static async Task<int> SeedActivitiesAsync(int count)
    {
        using var host = BuildHost(pumps: false, "bench");
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var before = await CountAsync(dataSource, "SELECT count(*) FROM testgrains.activity_outcomes");
        await ScheduleNoOpsAsync(grains, count);
        Console.WriteLine($"outcomes_before={before}");
        await host.StopAsync();
        return 0;
    }

    /// <summary>
    /// Waits for the seeded activities' outcomes to reach their grains, and prints the rate from the first
    /// claim to the moment the last outcome was applied, both on the database's clock.
    /// </summary>
    private static async Task<int> DrainActivitiesAsync(int count, long before)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var deadline = Stopwatch.StartNew();
        while (await CountAsync(dataSource, "SELECT count(*) FROM testgrains.activity_outcomes") - before < count)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                Console.Error.WriteLine("the seeded activities did not all complete within 2 minutes");
                return 1;
            }

            await Task.Delay(10);
        }

        await using var command = dataSource.CreateCommand(
            "SELECT extract(epoch FROM clock_timestamp() - min(started_at))::float8 FROM runtime.activities WHERE kind = 'test.noop' AND started_at IS NOT NULL AND id IN (SELECT activity_id FROM testgrains.activity_outcomes ORDER BY id DESC LIMIT @n)");
        command.Parameters.AddWithValue("n", count);
        var seconds = (double)(await command.ExecuteScalarAsync())!;
        Console.WriteLine($"activities_per_s={count / seconds:0.0}");
        return 0;
    }

    private static async Task<int> BenchNotifyAsync(int count)
    {
        var sink = new LatencySink();
        using var host = BuildHost(pumps: false, "bench", s =>
        {
            s.AddSingleton<IEventSink>(sink);
            s.AddSingleton<EventListener>();
            s.AddHostedService(sp => sp.GetRequiredService<EventListener>());
        });
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var listener = host.Services.GetRequiredService<EventListener>();
        while (listener.Cursor < 0)
        {
            await Task.Delay(10);
        }

        for (var i = 0; i < count; i++)
        {
            var committed = Stopwatch.GetTimestamp();
            var arrived = sink.Expect($"n{i}");
            await grains.GetGrain<ICounterGrain>($"notify-{i % 10}").AnnounceAsync("bench-notify", $"n{i}");
            committed = Stopwatch.GetTimestamp(); // the call returns once the turn has committed
            var at = await arrived.WaitAsync(TimeSpan.FromSeconds(10));
            sink.Latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(committed, at).TotalMilliseconds));
        }

        sink.Latencies.Sort();
        Console.WriteLine($"notify_to_listener_p50_ms={Percentile(sink.Latencies, 0.5):0.00}");
        Console.WriteLine($"notify_to_listener_p99_ms={Percentile(sink.Latencies, 0.99):0.00}");
        await host.StopAsync();
        return 0;
    }

    /// <summary>Schedules <paramref name="count"/> no-op activities on 400 worker grains from 8 clients, one per turn.</summary>
    private static Task ScheduleNoOpsAsync(IGrainFactory grains, int count) =>
        Task.WhenAll(Enumerable.Range(0, 8).Select(async client =>
        {
            for (var i = client; i < count; i += 8)
            {
                await grains.GetGrain<IWorkerGrain>($"bench-worker-{i % 400}").StartNoOpAsync();
            }
        }));

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class LatencySink : IEventSink
    {
        private readonly Dictionary<string, TaskCompletionSource<long>> _waiting = [];

        public List<double> Latencies { get; } = [];

        public Task<long> Expect(string type)
        {
            var source = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiting)
            {
                _waiting[type] = source;
            }

            return source.Task;
        }

        public Task OnEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_waiting)
            {
                foreach (var e in events)
                {
                    if (_waiting.Remove(e.Type, out var source))
                    {
                        source.TrySetResult(now);
                    }
                }
            }

            return Task.CompletedTask;
        }
    }
}
