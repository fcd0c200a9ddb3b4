using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;
using Npgsql;

namespace FluidManager.Runtime.Tests;

public sealed class ActivityTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Completed_activity_reports_its_result_to_the_owner_once()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-ok").StartAsync(new SleepInput(50));

        await WaitForOutcome(id);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id AND succeeded AND (result->>'slept')::int = 50", ("id", id))).Should().Be(1);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'completed'", ("id", id))).Should().Be(1);
    }

    [Fact]
    public async Task A_backlog_larger_than_the_slots_is_claimed_as_slots_free_up_without_waiting_for_the_next_poll()
    {
        var ids = new List<Guid>();
        await using (var client = await RuntimeHost.StartAsync(database, pumps: false))
        {
            for (var i = 0; i < 12; i++)
            {
                ids.Add(await client.Grains.GetGrain<IWorkerGrain>($"w-backlog-{i}").StartAsync(new SleepInput(20)));
            }
        }

        // Two slots and a poll far longer than the test: only freed slots can bring the next claims.
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, settings: new Dictionary<string, string?>
        {
            ["Fluid:Silo:ActivitySlots"] = "2",
            ["Fluid:Silo:PollInterval"] = "00:01:00",
        });
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = ANY(@ids) AND status = 'completed'", ("ids", ids.ToArray())),
            n => n == ids.Count, TimeSpan.FromSeconds(15), "all twelve activities to complete");
    }

    [Fact]
    public async Task A_healthy_silo_runs_each_activity_once_even_when_heartbeats_cross_its_claims()
    {
        var ids = new List<Guid>();
        await using (var client = await RuntimeHost.StartAsync(database, pumps: false))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async c =>
            {
                for (var i = c; i < 320; i += 4)
                {
                    var id = await client.Grains.GetGrain<IWorkerGrain>($"w-cross-{i % 40}").StartAsync(new SleepInput(100));
                    lock (ids)
                    {
                        ids.Add(id);
                    }
                }
            }));
        }

        // Heartbeats every two thirds of a second while a backlog of four seconds is claimed as slots free
        // up: a run claimed while a heartbeat is on its way must not be taken for a lost one (and stopped).
        // The lease leaves a heartbeat 1.3 s to be late on a loaded machine before a run is taken for lost.
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, settings: new Dictionary<string, string?>
        {
            ["Fluid:Silo:ActivitySlots"] = "8",
            ["Fluid:Silo:ActivityLease"] = "00:00:02",
        });
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = ANY(@ids) AND status = 'completed'", ("ids", ids.ToArray())),
            n => n == ids.Count, TimeSpan.FromSeconds(60), "the backlog to complete");
        var rerun = await database.ListAsync(
            """
            SELECT a.id::text || ' (' || a.attempts || ' attempts): ' || string_agg('attempt ' || r.attempt || ' ' || r.outcome || ' at ' || to_char(r.at, 'HH24:MI:SS.MS'), ', ' ORDER BY r.at)
            FROM runtime.activities a LEFT JOIN testgrains.activity_runs r ON r.activity_id = a.id
            WHERE a.id = ANY(@ids) AND a.attempts > 1 GROUP BY a.id, a.attempts
            """,
            r => r.GetString(0), ("ids", ids.ToArray()));
        rerun.Should().BeEmpty("each activity runs once on a healthy silo (runs ended at {0:HH:mm:ss.fff})", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_run_that_ended_keeps_its_lease_while_its_outcome_waits_behind_a_slow_flush()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, settings: new Dictionary<string, string?>
        {
            ["Fluid:Silo:ActivityLease"] = "00:00:01",
            ["Fluid:Silo:CompletionWorkers"] = "1",
        });
        var stuck = await silo.Grains.GetGrain<IWorkerGrain>("w-stuck-flush").StartAsync(new SleepInput(1000));
        var grainType = await database.ScalarAsync<string>("SELECT grain_type FROM runtime.activities WHERE id = @id", ("id", stuck));

        // The first outcome's flush waits on its owner's inbox row, held here; the second outcome queues behind it
        // for several leases. Only its heartbeat keeps it from being taken for lost and run again.
        await using var dataSource = database.CreateDataSource();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var hold = await connection.BeginTransactionAsync())
        {
            await using (var upsert = new NpgsqlCommand(
                "INSERT INTO runtime.inbox (grain_type, grain_key, due_at, version) VALUES (@type, 'w-stuck-flush', NULL, 1) ON CONFLICT (grain_type, grain_key) DO UPDATE SET version = runtime.inbox.version + 1",
                connection, hold))
            {
                upsert.Parameters.AddWithValue("type", grainType);
                await upsert.ExecuteNonQueryAsync();
            }

            var behind = await silo.Grains.GetGrain<IWorkerGrain>("w-behind-flush").StartAsync(new SleepInput(1300));
            await Eventually.WaitAsync(
                () => database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id", ("id", behind)),
                n => n == 1, TimeSpan.FromSeconds(30), "the second activity to end");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await hold.CommitAsync();

            await WaitForOutcome(stuck);
            await WaitForOutcome(behind);
            var runs = await database.ListAsync("SELECT activity_id::text || ' attempt ' || attempt || ' ' || outcome || ' at ' || to_char(at, 'HH24:MI:SS.MS') FROM testgrains.activity_runs WHERE activity_id = ANY(@ids) ORDER BY at", r => r.GetString(0), ("ids", new[] { stuck, behind }));
            runs.Should().HaveCount(2, $"each ran once (stuck {stuck}, behind {behind}): {string.Join("; ", runs)}");
            (await database.ScalarAsync("SELECT max(attempts) FROM runtime.activities WHERE id = ANY(@ids)", ("ids", new[] { stuck, behind }))).Should().Be(1);
        }
    }

    [Fact]
    public async Task Failing_activity_is_retried_with_backoff_until_it_succeeds()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-retry").StartAsync(new SleepInput(0, FailTimes: 2), maxAttempts: 3);

        await WaitForOutcome(id);
        (await database.ScalarAsync("SELECT attempts FROM testgrains.activity_outcomes WHERE activity_id = @id AND succeeded", ("id", id))).Should().Be(3);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id AND outcome = 'failed'", ("id", id))).Should().Be(2);
    }

    [Fact]
    public async Task Activity_that_keeps_failing_reports_a_final_failure()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-fail").StartAsync(new SleepInput(0, FailTimes: 5), maxAttempts: 2);

        await WaitForOutcome(id);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id AND NOT succeeded AND error LIKE '%planned failure on attempt 2%'", ("id", id))).Should().Be(1);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'failed'", ("id", id))).Should().Be(1);
    }

    [Fact]
    public async Task Activity_over_its_time_limit_is_stopped_and_reported_as_timed_out()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-slow").StartAsync(new SleepInput(30_000), maxAttempts: 1, timeoutSeconds: 0.5);

        await WaitForOutcome(id);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id AND NOT succeeded AND error LIKE 'timed out%'", ("id", id))).Should().Be(1);
    }

    [Fact]
    public async Task Cancelling_stops_the_worker_within_one_heartbeat_and_reports_nothing()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var worker = silo.Grains.GetGrain<IWorkerGrain>("w-cancel");
        var id = await worker.StartAsync(new SleepInput(60_000));
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'running'", ("id", id)), n => n == 1, TimeSpan.FromSeconds(10), "the activity to start");

        var cancelledAt = DateTimeOffset.UtcNow;
        (await worker.CancelAsync(id)).Should().BeTrue();
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id AND outcome = 'cancelled'", ("id", id)), n => n == 1, TimeSpan.FromSeconds(5), "the worker's token to fire");
        var stoppedAfterMs = await database.ScalarAsync("SELECT (extract(epoch FROM at) * 1000)::bigint FROM testgrains.activity_runs WHERE activity_id = @id", ("id", id)) - cancelledAt.ToUnixTimeMilliseconds();
        stoppedAfterMs.Should().BeLessThan(1500, "the heartbeat runs every 500 ms in this test (lease 1.5 s)");
        (await OutcomesOf(id)).Should().Be(0);
        (await worker.CancelAsync(id)).Should().BeFalse("it is already cancelled");
    }

    [Fact]
    public async Task Result_is_delivered_once_even_when_a_lost_lease_lets_two_workers_run_it()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: true, name: "first");
        var id = await first.Grains.GetGrain<IWorkerGrain>("w-twice").StartAsync(new SleepInput(1500));
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'running'", ("id", id)), n => n == 1, TimeSpan.FromSeconds(10), "the first claim");

        // The first worker's lease is stolen (as if it had stalled past expiry): a second silo claims and runs it too.
        await database.ExecuteAsync($"UPDATE runtime.activities SET lease_until = now() - interval '1 second' WHERE id = '{id}'");
        await using var second = await RuntimeHost.StartAsync(database, pumps: true, name: "second");

        await WaitForOutcome(id);
        await Task.Delay(2000); // let any late, fenced-off completion from the first worker arrive
        (await OutcomesOf(id)).Should().Be(1);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.dead_letters")).Should().Be(0);
    }

    [Fact]
    public async Task An_idle_owner_gets_the_outcome_once_through_its_queue_after_the_activity_is_finished()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-idle").StartAsync(new SleepInput(20));

        await WaitForOutcome(id);
        (await database.ScalarAsync(
            "SELECT count(*) FROM runtime.activities a JOIN testgrains.activity_outcomes o ON o.activity_id = a.id WHERE a.id = @id AND a.xmin <> o.xmin",
            ("id", id))).Should().Be(1, "in a silo the outcome is a queued message, applied by the owner's activation in a turn of its own");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE sender = @sender", ("sender", $"activity:{id}"))).Should().Be(0, "the turn that applied it took the message");
        (await OutcomesOf(id)).Should().Be(1);
    }

    [Fact]
    public async Task A_busy_owner_gets_the_outcome_through_its_queue_once_its_turn_ends()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("w-busy").StartAsync(new SleepInput(500));
        var owner = new GrainKey(await database.ScalarAsync<string>("SELECT grain_type FROM runtime.activities WHERE id = @id", ("id", id)), "w-busy");

        // A turn of the owner is in progress (its lock is held) when the activity completes.
        await using var dataSource = database.CreateDataSource();
        await using (var turn = await dataSource.OpenConnectionAsync())
        {
            await using var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({owner.LockKey})", turn);
            await hold.ExecuteNonQueryAsync();
            await Eventually.WaitAsync(
                () => database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key = 'w-busy' AND sender = @sender", ("sender", $"activity:{id}")),
                n => n == 1, TimeSpan.FromSeconds(10), "the outcome to be queued for the busy owner");
            (await OutcomesOf(id)).Should().Be(0);
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({owner.LockKey})", turn);
            await release.ExecuteNonQueryAsync();
        }

        await WaitForOutcome(id);
        (await OutcomesOf(id)).Should().Be(1);
    }

    [Fact]
    public async Task An_outcome_never_overtakes_a_message_already_queued_for_its_owner()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var worker = silo.Grains.GetGrain<IWorkerGrain>("w-queued");
        // Long enough for the message below to be queued first, even on a loaded machine.
        var id = await worker.StartAsync(new SleepInput(3000));
        var grainType = await database.ScalarAsync<string>("SELECT grain_type FROM runtime.activities WHERE id = @id", ("id", id));

        // A message due in an hour heads the owner's queue: strict FIFO holds the outcome behind it.
        await database.ExecuteAsync(
            $"INSERT INTO runtime.messages (grain_type, grain_key, message_type, payload, sender, enqueued_at, due_at) VALUES ('{grainType}', 'w-queued', 'test.later', '{{}}', 'test', now(), now() + interval '1 hour')");
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key = 'w-queued' AND sender = @sender", ("sender", $"activity:{id}")),
            n => n == 1, TimeSpan.FromSeconds(30), "the outcome to be queued behind the message");
        (await OutcomesOf(id)).Should().Be(0);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'completed'", ("id", id))).Should().Be(1);
    }

    [Fact]
    public async Task An_outcome_the_owner_rejects_goes_through_its_queue_with_retries_then_to_the_dead_letters()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var rejected = await silo.Grains.GetGrain<IWorkerGrain>("w-reject").StartAsync(new SleepInput(100, RejectOutcome: true));
        var accepted = await silo.Grains.GetGrain<IWorkerGrain>("w-accept").StartAsync(new SleepInput(100));

        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM runtime.dead_letters WHERE grain_key = 'w-reject' AND error LIKE '%rejected on purpose%' AND attempts = 3"),
            n => n == 1, TimeSpan.FromSeconds(30), "the rejected outcome to reach the dead letters after 3 attempts");
        await WaitForOutcome(accepted);
        (await OutcomesOf(rejected)).Should().Be(0, "each failed attempt is rolled back whole");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id", ("id", rejected))).Should().Be(1, "the activity itself is not run again");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'completed'", ("id", rejected))).Should().Be(1);
    }

    [Fact]
    public async Task Finished_activities_are_deleted_after_their_retention_and_unfinished_ones_are_kept()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, settings: new Dictionary<string, string?>
        {
            ["Fluid:Silo:FinishedActivityRetention"] = "00:00:01",
            ["Fluid:Silo:ActivityPurgeInterval"] = "00:00:00.200",
            ["Fluid:Silo:HeartbeatInterval"] = "00:00:00.200",
        });
        var worker = silo.Grains.GetGrain<IWorkerGrain>("w-purge");
        var finished = await worker.StartAsync(new SleepInput(0));
        var running = await worker.StartAsync(new SleepInput(30_000));
        await WaitForOutcome(finished);

        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id", ("id", finished)), n => n == 0, TimeSpan.FromSeconds(10), "the finished activity to be purged");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'running'", ("id", running))).Should().Be(1);
        (await worker.CancelAsync(running)).Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(RuntimeSql.FinishActivity))]
    [InlineData(nameof(RuntimeSql.RetryActivity))]
    [InlineData(nameof(RuntimeSql.ReportActivityProgress))]
    [InlineData(nameof(RuntimeSql.HeartbeatActivities))]
    public async Task Statements_on_given_activities_find_them_by_primary_key_whatever_else_the_table_holds(string statement)
    {
        // Thousands finished and none running, as statistics taken in a quiet hour see the table: a
        // partial index on status = 'running' then looks empty, cheaper than the primary key.
        await database.ExecuteAsync("""
            INSERT INTO runtime.activities (id, grain_type, grain_key, kind, input, status, max_attempts, timeout_ms, backoff_ms, due_at, created_at, finished_at, attempts)
            SELECT gen_random_uuid(), 'plan', 'k' || i, 'test.noop', '{}', 'completed', 3, 1000, 1000, now(), now(), now(), 1
            FROM generate_series(1, 3000) i;
            ANALYZE runtime.activities;
            """);
        try
        {
            (await ExplainAsync((string)typeof(RuntimeSql).GetField(statement)!.GetValue(null)!)).Should().Contain("activities_pk", "a fenced statement must not walk another index's entries");
        }
        finally
        {
            await database.ExecuteAsync("DELETE FROM runtime.activities WHERE grain_type = 'plan'");
        }
    }

    private async Task<string> ExplainAsync(string sql)
    {
        await using var dataSource = database.CreateDataSource();
        await using var explain = dataSource.CreateCommand("EXPLAIN " + sql);
        var id = Guid.NewGuid();
        foreach (var (name, value) in new (string, object)[]
        {
            ("id", id), ("ids", new[] { id }), ("silo", Guid.NewGuid()), ("attempt", 1), ("now", DateTimeOffset.UtcNow), ("lease_until", DateTimeOffset.UtcNow),
            ("status", "completed"), ("result", DBNull.Value), ("error", "e"), ("due_at", DateTimeOffset.UtcNow), ("progress", "{}"),
        })
        {
            if (sql.Contains('@' + name, StringComparison.Ordinal))
            {
                explain.Parameters.Add(name is "progress" or "result" ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = value } : new NpgsqlParameter(name, value));
            }
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        return string.Join('\n', plan);
    }

    /// <summary>How many outcomes of the activity its owner grain has applied.</summary>
    private Task<long> OutcomesOf(Guid id) =>
        database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", id));

    private Task WaitForOutcome(Guid id) =>
        Eventually.WaitAsync(() => OutcomesOf(id), n => n >= 1, TimeSpan.FromSeconds(30), $"the outcome of activity {id}");
}
