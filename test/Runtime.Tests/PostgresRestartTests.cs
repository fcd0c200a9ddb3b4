using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>PostgreSQL restarted under a cluster of two silos: what was committed stays, what was cut off is undone, nothing runs twice.</summary>
[Collection(nameof(ClusterRestartCollection))]
public sealed class PostgresRestartTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task PostgreSQL_restart_mid_run_loses_nothing()
    {
        Assert.True(TestClusterControl.Available, "needs the test cluster started by scripts/test.sh (FLUID_TEST_PG_DATA)");
        await using var first = await RuntimeHost.StartAsync(database, pumps: true, name: "r1");
        await using var second = await RuntimeHost.StartAsync(database, pumps: true, name: "r2");
        for (var i = 0; i < 10; i++)
        {
            await (i % 2 == 0 ? first : second).Grains.GetGrain<ICounterGrain>("pg-calls").IncrementAsync();
        }

        var activity = await first.Grains.GetGrain<IWorkerGrain>("pg-worker").StartAsync(new SleepInput(500));
        await first.Grains.GetGrain<ICounterGrain>("pg-sender").SendAsync("pg-queue", 300, firstSeq: 1);

        // The pumps are delivering those messages when every connection is cut.
        await TestClusterControl.RestartAsync();

        // Once the server is back, a call fails at most on a connection that died in the restart, before
        // its turn wrote anything: trying it again cannot apply it twice.
        for (var i = 0; i < 10; i++)
        {
            var silo = i % 2 == 0 ? first : second;
            await UntilConnectedAsync(() => silo.Grains.GetGrain<ICounterGrain>("pg-calls").IncrementAsync());
        }

        await UntilConnectedAsync(() => second.Grains.GetGrain<ICounterGrain>("pg-sender").SendAsync("pg-queue", 100, firstSeq: 301));

        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain = 'pg-queue'"), n => n >= 400, TimeSpan.FromSeconds(60), "400 messages applied");
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", activity)), n => n == 1, TimeSpan.FromSeconds(60), "the activity's outcome");
        (await database.ScalarAsync("SELECT value FROM testgrains.counters WHERE key = 'pg-calls'")).Should().Be(20, "every call applied once");
        (await database.ScalarAsync("SELECT value FROM testgrains.counters WHERE key = 'pg-queue'")).Should().Be(400, "every message applied once");
        (await database.ScalarAsync("SELECT count(DISTINCT message_id) FROM testgrains.applied WHERE grain = 'pg-queue'")).Should().Be(400);
        (await database.ScalarAsync("""
            SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS prev FROM testgrains.applied WHERE grain = 'pg-queue') s
            WHERE prev IS NOT NULL AND seq <> prev + 1
            """)).Should().Be(0, "the restart does not reorder a grain's messages");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages")).Should().Be(0);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.dead_letters")).Should().Be(0);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", activity))).Should().Be(1);
    }

    [Fact]
    public async Task A_call_cut_off_by_a_PostgreSQL_restart_fails_leaves_nothing_and_its_activation_is_replaced()
    {
        Assert.True(TestClusterControl.Available, "needs the test cluster started by scripts/test.sh (FLUID_TEST_PG_DATA)");
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        var counter = silo.Grains.GetGrain<ICounterGrain>("cut-off");
        (await counter.IncrementAsync()).Should().Be(1);
        var before = await counter.MemoryAsync();

        // The turn has written 2 and keeps its transaction open when the server goes away.
        var call = counter.IncrementSlowlyAsync(30);
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"),
            n => n == 1, TimeSpan.FromSeconds(10), "the slow turn to be inside its transaction");
        await TestClusterControl.RestartAsync();

        await call.Invoking(c => c).Should().ThrowAsync<NpgsqlException>("the caller learns that its call failed");
        (await database.ScalarAsync("SELECT value FROM testgrains.counters WHERE key = 'cut-off'")).Should().Be(1, "the cut-off turn's write never committed");
        var after = await UntilConnectedAsync(counter.MemoryAsync);
        after.Activation.Should().NotBe(before.Activation, "the activation whose turn failed was deactivated");
        after.LastWritten.Should().BeNull("a new activation holds nothing of the cut-off turn");
        (await UntilConnectedAsync(counter.IncrementAsync)).Should().Be(2);
    }

    /// <summary>Repeats a call that failed on a pooled connection which the restart had already closed.</summary>
    private static async Task<T> UntilConnectedAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException { InnerException: NpgsqlException } && attempt < 40)
            {
                await Task.Delay(250);
            }
        }
    }

    private static Task UntilConnectedAsync(Func<Task> call) => UntilConnectedAsync(async () =>
    {
        await call();
        return true;
    });
}
