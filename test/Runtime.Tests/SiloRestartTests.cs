using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

/// <summary>Every silo of the cluster stopped, then new ones started: what the grains had registered is still there.</summary>
public sealed class SiloRestartTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_reminder_fires_after_every_silo_restarted()
    {
        await using (var first = await RuntimeHost.StartAsync(database, pumps: true, name: "old-1"))
        await using (var second = await RuntimeHost.StartAsync(database, pumps: true, name: "old-2"))
        {
            await second.Grains.GetGrain<ITickerGrain>("restarted").StartAsync(TimeSpan.FromSeconds(1));
            await Eventually.WaitAsync(() => Ticks("restarted"), n => n >= 1, TimeSpan.FromSeconds(10), "a first tick");
        }

        (await database.ScalarAsync("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status <> 6", ("cluster", database.ClusterId)))
            .Should().Be(0, "every silo of the cluster has stopped, and the ticker's activation with it");
        var beforeRestart = await Ticks("restarted");

        await using var third = await RuntimeHost.StartAsync(database, pumps: true, name: "new-1");
        await using var fourth = await RuntimeHost.StartAsync(database, pumps: true, name: "new-2");
        await Eventually.WaitAsync(() => Ticks("restarted"), n => n >= beforeRestart + 2, TimeSpan.FromSeconds(10), "ticks after the restart");
        (await database.ScalarAsync("SELECT count(*) - count(DISTINCT due_at) FROM testgrains.ticks WHERE grain = 'restarted'")).Should().Be(0, "each occurrence fires once");
    }

    private Task<long> Ticks(string grain) => database.ScalarAsync("SELECT count(*) FROM testgrains.ticks WHERE grain = @g", ("g", grain));
}
