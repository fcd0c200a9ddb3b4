using FluidManager.Runtime.Silos;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

public sealed class SiloTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_silo_s_leases_are_known_by_its_orleans_address_in_code_and_in_sql()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, name: "listed");
        var id = await silo.Grains.GetGrain<IWorkerGrain>("busy").StartAsync(new SleepInput(5000));
        var admin = silo.Get<ClusterAdmin>();
        var me = silo.Get<SiloIdentity>();
        me.Id.Should().Be(SiloIdentity.LeaseOwnerOf(silo.Get<ILocalSiloDetails>().SiloAddress));

        var leases = await Eventually.WaitAsync(() => admin.LeasesBySiloAsync(), l => l.TryGetValue(me.Id, out var mine) && mine.RunningActivities == 1, TimeSpan.FromSeconds(10), "the silo's one running activity");
        leases[me.Id].LeasedInboxes.Should().BeGreaterThanOrEqualTo(0);
        (await database.ScalarAsync(
            """
            SELECT count(*) FROM runtime.activities a
            JOIN orleansmembershiptable m ON a.lease_owner = runtime.silo_lease_owner(m.address, m.port, m.generation)
            WHERE a.id = @id AND m.siloname = 'listed' AND m.status = 3
            """, ("id", id))).Should().Be(1, "SQL derives the same owner from the membership row");
        await silo.Grains.GetGrain<IWorkerGrain>("busy").CancelAsync(id);
    }

    [Fact]
    public async Task Stopping_a_silo_lets_short_work_finish_and_hands_long_work_back()
    {
        var silo = await RuntimeHost.StartAsync(database, pumps: true, name: "draining", settings: new Dictionary<string, string?> { ["Fluid:Silo:DrainGrace"] = "00:00:01.500" });
        // The long one first: the short one then runs its 500 ms beside it, however long the second start takes on a loaded machine.
        var longId = await silo.Grains.GetGrain<IWorkerGrain>("drain-long").StartAsync(new SleepInput(60_000));
        var shortId = await silo.Grains.GetGrain<IWorkerGrain>("drain-short").StartAsync(new SleepInput(500));
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE status = 'running' AND id IN (@a, @b)", ("a", shortId), ("b", longId)), n => n == 2, TimeSpan.FromSeconds(10), "both activities running");

        await silo.DisposeAsync();

        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'completed'", ("id", shortId))).Should().Be(1, "work that fits in the grace period finishes");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'pending' AND lease_owner IS NULL AND attempts = 0", ("id", longId))).Should().Be(1, "the rest is handed back without charging an attempt");
        (await database.ScalarAsync(
            """
            SELECT count(*) FROM orleansmembershiptable
            WHERE siloname = 'draining' AND status = 6 AND split_part(split_part(suspecttimes, '|', -1), ',', 1) = address || ':' || port || '@' || generation
            """)).Should().Be(1, "a silo that stops writes its own Dead status and names itself as the last suspector: the alerts tell it from a lost one by that");

        // Another silo picks the handed-back work up.
        await using var next = await RuntimeHost.StartAsync(database, pumps: true, name: "next");
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.activities WHERE id = @id AND status = 'running' AND attempts = 1", ("id", longId)), n => n == 1, TimeSpan.FromSeconds(10), "the long activity to restart elsewhere");
        await next.Grains.GetGrain<IWorkerGrain>("drain-long").CancelAsync(longId);
    }
}

/// <summary>Tests that restart the shared test cluster: they run alone, after every parallel test.</summary>
[CollectionDefinition(nameof(ClusterRestartCollection), DisableParallelization = true)]
public sealed class ClusterRestartCollection;

[Collection(nameof(ClusterRestartCollection))]
public sealed class ClusterRestartTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Pumps_survive_a_PostgreSQL_restart_and_lose_nothing()
    {
        Assert.True(TestClusterControl.Available, "needs the test cluster started by scripts/test.sh (FLUID_TEST_PG_DATA)");
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, name: "survivor");
        await silo.Grains.GetGrain<ICounterGrain>("restart-sender").SendAsync("restart", 200, 1);
        var id = await silo.Grains.GetGrain<IWorkerGrain>("restart-worker").StartAsync(new SleepInput(1000));

        await TestClusterControl.RestartAsync();

        // Calls fail while the server is down, then work again; posted work completes.
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                return await silo.Grains.GetGrain<ICounterGrain>("restart").GetAsync();
            }
            catch (Npgsql.NpgsqlException)
            {
                return -1;
            }
        }, v => v == 200, TimeSpan.FromSeconds(60), "all 200 messages applied after the restart");
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", id)), n => n == 1, TimeSpan.FromSeconds(60), "the activity outcome");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain = 'restart'")).Should().Be(200);
    }
}
