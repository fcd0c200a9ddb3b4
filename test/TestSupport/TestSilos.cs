using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.TestSupport;

/// <summary>
/// Orleans silos for the tests, each a host registered like src/Silo's Program.cs (the fixture's delegate
/// calls AddFluidRuntime, AddFluidSilo, AddGrains, …) on the fixture's database: the product's own ADO.NET
/// membership in that database, fast membership probes, no dashboard.
/// </summary>
/// <remarks>
/// Not Orleans.TestingHost: its InProcessTestCluster (10.4) always installs its own in-memory membership
/// table and in-memory transport, replacing the ADO.NET clustering that AddFluidSilo registers and leaving
/// out the Api and the silo processes the crash tests kill; its TestCluster builds silos on IHostBuilder,
/// where the product's IHostApplicationBuilder registrations cannot be called.
/// </remarks>
public static class TestSilos
{
    /// <summary>
    /// Starts a silo process of the work harness (built beside the tests), named <paramref name="name"/>, with
    /// <paramref name="settings"/> as its environment: for the tests that kill a silo the way an operator's
    /// machine loses one.
    /// </summary>
    public static Process StartWorkHarnessSilo(string name, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "FluidManager.Work.Harness.dll");
        if (!File.Exists(harness))
        {
            throw new FileNotFoundException("The work harness is built beside the tests.", harness);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = false, RedirectStandardError = false };
        start.ArgumentList.Add(harness);
        start.ArgumentList.Add("work-silo");
        start.ArgumentList.Add(name);
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start the silo process {name}.");
    }

    /// <summary>The <c>Fluid:Cluster</c> settings of a test silo: the ids of one cluster, any free port, fast membership.</summary>
    public static Dictionary<string, string?> ClusterSettings(string clusterId) => new()
    {
        ["Fluid:Cluster:ClusterId"] = clusterId,
        ["Fluid:Cluster:ServiceId"] = clusterId,
        ["Fluid:Cluster:SiloPort"] = "0",
        ["Fluid:Cluster:GatewayPort"] = "0",
        ["Fluid:Cluster:FastMembership"] = "true",
        ["Fluid:Cluster:Dashboard"] = "false",
    };

    /// <summary>A cluster id unique to one fixture (membership rows are keyed by it).</summary>
    public static string NewClusterId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>
    /// One silo host on TCP, for a cluster whose other members are the Api under test or silo processes
    /// (which TestingHost's in-memory transport cannot reach). <paramref name="settings"/> hold the
    /// connection string and the <see cref="ClusterSettings"/>.
    /// </summary>
    public static async Task<IHost> StartHostAsync(IEnumerable<KeyValuePair<string, string?>> settings, Action<IHostApplicationBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFilter(_ => false);
        configure(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Stops a silo host gracefully (it leaves the membership), then disposes it.</summary>
    public static async Task StopHostAsync(IHost host)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.StopAsync(stop.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="count"/> silo hosts started together on one database: a real Orleans cluster on TCP,
    /// found through the product's ADO.NET membership table. Silo <c>i</c> is named <c>{name}-{i}</c>
    /// (<c>Fluid:Silo:Name</c>) and configured by <paramref name="configure"/> after <paramref name="settings"/>.
    /// Returns once every silo sees all of them active.
    /// </summary>
    public static async Task<IReadOnlyList<IHost>> StartClusterAsync(
        int count, string name, IReadOnlyDictionary<string, string?> settings, Action<IHostApplicationBuilder> configure)
    {
        var starting = Enumerable.Range(0, count).Select(i => StartHostAsync(
            new Dictionary<string, string?>(settings) { ["Fluid:Silo:Name"] = $"{name}-{i}" },
            configure)).ToList();
        try
        {
            await Task.WhenAll(starting);
            await WaitForActiveSilosAsync(starting.Select(s => s.Result.Services), count);
        }
        catch
        {
            await StopClusterAsync(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            throw;
        }

        return [.. starting.Select(s => s.Result)];
    }

    /// <summary>Stops the silos gracefully, all at once, and disposes them.</summary>
    public static Task StopClusterAsync(IEnumerable<IHost> silos) => Task.WhenAll(silos.Select(StopHostAsync));

    /// <summary>Waits until each of <paramref name="silos"/> counts <paramref name="active"/> active silos in its membership view.</summary>
    public static async Task WaitForActiveSilosAsync(IEnumerable<IServiceProvider> silos, int active, TimeSpan? timeout = null)
    {
        var memberships = silos.Select(s => s.GetRequiredService<IClusterMembershipService>()).ToList();
        var clock = Stopwatch.StartNew();
        while (!memberships.All(m => m.CurrentSnapshot.Members.Values.Count(s => s.Status == SiloStatus.Active) >= active))
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"The silos did not see {active} active silos within {clock.Elapsed.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the membership view of <paramref name="observer"/> declares the silo named <paramref name="siloName"/>
    /// dead: until then, calls to the grains it held fail, as Orleans cannot yet tell a slow silo from a killed one.
    /// </summary>
    public static async Task WaitForDeadSiloAsync(IServiceProvider observer, string siloName, TimeSpan? timeout = null)
    {
        var membership = observer.GetRequiredService<IClusterMembershipService>();
        var clock = Stopwatch.StartNew();
        while (!membership.CurrentSnapshot.Members.Values.Any(m => m.Name == siloName && m.Status == SiloStatus.Dead))
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Orleans membership did not declare silo '{siloName}' dead within {clock.Elapsed.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }
}
