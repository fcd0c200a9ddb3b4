using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// A silo process of the cluster killed with SIGKILL: its leases expire, the cluster declares it dead,
/// and the other silos finish its work and host its grains. Nothing is lost and nothing is done twice.
/// </summary>
public sealed class SiloProcessKillTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Silo_process_killed_mid_activity_has_it_finished_once_by_another_silo()
    {
        await using var doomed = await HarnessSilo.StartAsync(database, "doomed-activity");
        await using var api = await RuntimeHost.StartAsync(database, pumps: false);
        var id = await api.Grains.GetGrain<IWorkerGrain>("crash").StartAsync(new SleepInput(3000), maxAttempts: 3);
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM runtime.activities a JOIN orleansmembershiptable s ON a.lease_owner = runtime.silo_lease_owner(s.address, s.port, s.generation) WHERE a.id = @id AND a.status = 'running' AND s.siloname = @name", ("id", id), ("name", doomed.Name)),
            n => n == 1, TimeSpan.FromSeconds(30), "the doomed silo to claim the activity");

        await doomed.KillAsync();

        await using var survivor = await RuntimeHost.StartAsync(database, pumps: true, name: "survivor");
        await Eventually.WaitAsync(() => OutcomesOf(id), n => n == 1, TimeSpan.FromSeconds(30), "the outcome");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id AND silo = 'survivor' AND outcome = 'completed'", ("id", id))).Should().Be(1);
        (await database.ScalarAsync("SELECT attempts FROM testgrains.activity_outcomes WHERE activity_id = @id AND succeeded", ("id", id))).Should().Be(2, "the killed run counts as the first attempt");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id AND outcome = 'completed'", ("id", id))).Should().Be(1, "the killed run never finished");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE sender = @sender", ("sender", $"activity:{id}"))).Should().Be(0, "the outcome was taken by the turn that applied it");
        (await OutcomesOf(id)).Should().Be(1);
        (await api.Grains.GetGrain<IWorkerGrain>("crash").CancelAsync(id)).Should().BeFalse("the owner answers, and its activity is already finished");

        // Evicted, not stopped: the Dead status was written by another silo, which named itself last (the silo_lost alert relies on it).
        await Eventually.WaitAsync(
            () => database.ScalarAsync(
                """
                SELECT count(*) FROM orleansmembershiptable
                WHERE siloname = @name AND status = 6 AND split_part(split_part(suspecttimes, '|', -1), ',', 1) NOT IN ('', address || ':' || port || '@' || generation)
                """, ("name", doomed.Name)),
            n => n == 1, TimeSpan.FromSeconds(30), "the killed silo declared dead by another silo");
    }

    [Fact]
    public async Task Silo_process_killed_with_messages_still_queued_loses_none_and_applies_none_twice()
    {
        await using var api = await RuntimeHost.StartAsync(database, pumps: false);
        var counters = Enumerable.Range(0, 40).Select(i => $"queued-{i}").ToList();
        foreach (var counter in counters)
        {
            await api.Grains.GetGrain<ICounterGrain>("queued-sender").SendAsync(counter, 25, firstSeq: 1);
        }

        // One grain delivered at a time, so that the doomed silo is still busy with the queue when it dies.
        await using var doomed = await HarnessSilo.StartAsync(database, "doomed-queue", new Dictionary<string, string> { ["Fluid__Silo__MessageDeliveries"] = "1" });
        await Eventually.WaitAsync(Applied, n => n >= 100, TimeSpan.FromSeconds(30), "the doomed silo to deliver a first hundred messages");
        var management = api.Get<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var doomedAddress = (await management.GetDetailedHosts(onlyActive: true)).Single(h => h.SiloName == doomed.Name).SiloAddress;
        var hostedThere = (await management.GetDetailedGrainStatistics(hostsIds: [doomedAddress])).Count(s => s.GrainId.Type.ToString() == "counter");

        await doomed.KillAsync();

        hostedThere.Should().BeGreaterThan(0, "the doomed silo hosted activations of the counters it delivered to");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key LIKE 'queued-%'")).Should().BeGreaterThan(0, "the silo died with messages still queued");
        await using var survivor = await RuntimeHost.StartAsync(database, pumps: true, name: "survivor");
        await Eventually.WaitAsync(Applied, n => n >= 1000, TimeSpan.FromSeconds(60), "all 1000 messages applied");

        (await Applied()).Should().Be(1000, "no message applied twice");
        (await database.ScalarAsync("SELECT count(DISTINCT message_id) FROM testgrains.applied WHERE grain LIKE 'queued-%'")).Should().Be(1000, "no message lost");
        (await database.ScalarAsync("SELECT sum(value) FROM testgrains.counters WHERE key LIKE 'queued-%'")).Should().Be(1000);
        (await database.ScalarAsync("""
            SELECT count(*) FROM (SELECT seq, lag(seq) OVER (PARTITION BY grain ORDER BY id) AS prev FROM testgrains.applied WHERE grain LIKE 'queued-%') s
            WHERE prev IS NOT NULL AND seq <> prev + 1
            """)).Should().Be(0, "each counter's messages applied in the order they were posted");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key LIKE 'queued-%'")).Should().Be(0);
        (await database.ScalarAsync("SELECT count(*) FROM runtime.dead_letters")).Should().Be(0);
        foreach (var counter in counters)
        {
            (await survivor.Grains.GetGrain<ICounterGrain>(counter).GetAsync()).Should().Be(25, $"{counter} answers wherever it is now hosted");
        }
    }

    private Task<long> Applied() => database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain LIKE 'queued-%'");

    private Task<long> OutcomesOf(Guid id) =>
        database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", id));
}
