using System.Diagnostics;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// An Orleans silo of the test database's cluster in a process of its own (test/Runtime.Harness,
/// with the test grains and the pumps), so that a test can kill it with SIGKILL: no drain, no
/// release, no goodbye to the cluster.
/// </summary>
internal sealed class HarnessSilo : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private HarnessSilo(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Starts the process and waits until the silo is active in the cluster's membership.</summary>
    public static async Task<HarnessSilo> StartAsync(RuntimeDatabase database, string name, IDictionary<string, string>? settings = null)
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "FluidManager.Runtime.Harness.dll");
        File.Exists(harness).Should().BeTrue("the harness is built beside the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(harness);
        start.ArgumentList.Add("silo");
        start.ArgumentList.Add(name);
        start.Environment["ConnectionStrings__Fluid"] = database.ConnectionString;
        start.Environment["Fluid__Cluster__ClusterId"] = database.ClusterId;
        start.Environment["Fluid__Silo__ActivityLease"] = "00:00:02";
        start.Environment["Fluid__Silo__InboxLease"] = "00:00:02";
        start.Environment["Fluid__Silo__PollInterval"] = "00:00:00.050";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var silo = new HarnessSilo(Process.Start(start)!, name);
        silo._process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        silo._process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        try
        {
            await Eventually.WaitAsync(
                () => database.ScalarAsync("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND siloname = @name AND status = 3", ("cluster", database.ClusterId), ("name", name)),
                n => n == 1 || silo._process.HasExited, TimeSpan.FromSeconds(60), $"the harness silo {name} to join the cluster");
            silo._process.HasExited.Should().BeFalse($"the harness silo {name} started; its output:\n{silo.Output}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }
}
