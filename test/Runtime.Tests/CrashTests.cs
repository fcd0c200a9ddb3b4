using System.Diagnostics;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

public sealed class CrashTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Silo_killed_with_SIGKILL_mid_activity_is_detected_by_lease_expiry_and_another_silo_completes_it()
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "FluidManager.Runtime.Harness.dll");
        File.Exists(harness).Should().BeTrue("the harness is built beside the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(harness);
        start.ArgumentList.Add("silo");
        start.ArgumentList.Add("doomed");
        start.Environment["ConnectionStrings__Fluid"] = database.ConnectionString;
        start.Environment["Fluid__Cluster__ClusterId"] = database.ClusterId;
        start.Environment["Fluid__Silo__ActivityLease"] = "00:00:02";
        using var doomed = Process.Start(start)!;
        try
        {
            await using var api = await RuntimeHost.StartAsync(database, pumps: false);
            var id = await api.Grains.GetGrain<IWorkerGrain>("crash").StartAsync(new SleepInput(3000), maxAttempts: 3);
            await Eventually.WaitAsync(
                () => database.ScalarAsync("SELECT count(*) FROM runtime.activities a JOIN runtime.silos s ON s.id = a.lease_owner WHERE a.id = @id AND a.status = 'running' AND s.name = 'doomed'", ("id", id)),
                n => n == 1, TimeSpan.FromSeconds(30), "the doomed silo to claim the activity");

            doomed.Kill(); // SIGKILL: no drain, no release
            await doomed.WaitForExitAsync();

            await using var survivor = await RuntimeHost.StartAsync(database, pumps: true, name: "survivor");
            await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM testgrains.activity_outcomes WHERE activity_id = @id", ("id", id)), n => n == 1, TimeSpan.FromSeconds(30), "the outcome");
            (await database.ScalarAsync("SELECT count(*) FROM testgrains.activity_runs WHERE activity_id = @id AND silo = 'survivor' AND outcome = 'completed'", ("id", id))).Should().Be(1);
            (await database.ScalarAsync("SELECT attempts FROM testgrains.activity_outcomes WHERE activity_id = @id AND succeeded", ("id", id))).Should().Be(2, "the killed run counts as the first attempt");
        }
        finally
        {
            if (!doomed.HasExited)
            {
                doomed.Kill();
            }
        }
    }
}
