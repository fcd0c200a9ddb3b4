using System.Diagnostics;

namespace FluidManager.TestSupport;

/// <summary>Controls the test cluster process itself (restart), as scripts/test.sh started it.</summary>
public static class TestClusterControl
{
    public static bool Available => Environment.GetEnvironmentVariable("FLUID_TEST_PG_DATA") is { Length: > 0 };

    /// <summary>Restarts PostgreSQL (fast shutdown: every connection is cut) and waits until it accepts connections.</summary>
    public static async Task RestartAsync()
    {
        var data = Environment.GetEnvironmentVariable("FLUID_TEST_PG_DATA") ?? throw new InvalidOperationException("FLUID_TEST_PG_DATA is not set (run through scripts/test.sh).");
        var bin = Environment.GetEnvironmentVariable("FLUID_TEST_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
        var pgCtl = Path.Combine(bin, "pg_ctl");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : pgCtl) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", pgCtl })
            {
                start.ArgumentList.Add(a);
            }
        }

        // -l: the new postmaster must log to the cluster's file, not inherit (and hold open) our pipes.
        foreach (var a in new[] { "-D", Path.Combine(data, "pg"), "-l", Path.Combine(data, "logs", "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl restart failed ({process.ExitCode}): {output}");
        }
    }
}
