using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using FluidManager.TestSupport;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// The product as it is deployed: the built Api and one Silo, each its own process, on a fresh
/// database of the test cluster, the Api listening on a free port of 127.0.0.1 with the demo company
/// loaded on first start. Tests talk to it only over the network.
/// </summary>
public class RunningSystem : IAsyncLifetime
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-e2e";

    private readonly List<HostProcess> _processes = [];
    private Dictionary<string, string> _common = [];
    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-e2e-objects-").FullName;
    private string? _database;

    public Uri Url { get; private set; } = null!;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Debug or Release: the configuration these tests were built in, and so the hosts' too.</summary>
    public static string Configuration { get; } = typeof(RunningSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string DemoScenario => Path.Combine(RepositoryRoot, "scenarios", "demo-company.json");

    /// <summary>Settings every process of this system gets on top of the defaults (environment variable names).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Whether the Api loads the demo company on first start.</summary>
    protected virtual bool LoadsDemo => true;

    public async Task InitializeAsync()
    {
        _database = await TestCluster.CreateDatabaseAsync("e2e", typeof(Runtime.Hosting.FluidRuntimeHostingExtensions).Assembly, typeof(Grains.GrainsHostingExtensions).Assembly);
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Fluid"] = _database,
            ["Fluid__Storage__Path"] = _storage,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Fluid__Cluster__SiloPort"] = "0",
            ["Fluid__Cluster__GatewayPort"] = "0",
            ["Fluid__Cluster__FastMembership"] = "true",
        };
        foreach (var (key, value) in Settings)
        {
            common[key] = value;
        }

        _common = common;
        StartSilo("e2e-silo");
        var api = HostProcess.Start("Api", new Dictionary<string, string>(common)
        {
            ["ASPNETCORE_URLS"] = Url.ToString(),
            ["Fluid__Bootstrap__OwnerEmail"] = OwnerEmail,
            ["Fluid__Bootstrap__OwnerPassword"] = OwnerPassword,
            ["Fluid__Demo__Load"] = LoadsDemo ? "true" : "false",
            ["Fluid__Demo__Path"] = DemoScenario,
        });
        _processes.Add(api);

        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var process in _processes.Where(p => p.HasExited))
            {
                throw new InvalidOperationException($"The {process.Name} exited during start-up:{Environment.NewLine}{process.Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"The Api at {Url} did not become ready in 90 s:{Environment.NewLine}{api.Output}");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_database is not null)
        {
            await TestCluster.DropDatabaseAsync(_database);
        }

        Directory.Delete(_storage, recursive: true);
    }

    /// <summary>Starts one more silo process of the cluster.</summary>
    public void StartSilo(string name) => _processes.Add(HostProcess.Start("Silo", new Dictionary<string, string>(_common)
    {
        ["Fluid__Silo__Name"] = name,
        ["Fluid__Silo__PollInterval"] = "00:00:00.100",
    }));

    /// <summary>Ends a silo process at once (SIGKILL): no shutdown, no goodbye to the cluster.</summary>
    public async Task KillSiloAsync(string name)
    {
        var silo = _processes.Single(p => p.Name == "Silo" && p.SiloName == name);
        await silo.KillAsync();
    }

    /// <summary>The output of the hosts so far, for a failing test's message.</summary>
    public string Logs => string.Join(Environment.NewLine, _processes.Select(p => $"---- {p.Name} ----{Environment.NewLine}{p.Output}"));

    /// <summary>Runs a built .NET host of this repository (src/NAME/bin/CONFIG/net10.0/FluidManager.NAME.dll).</summary>
    public static ProcessStartInfo Host(string name, params string[] arguments)
    {
        var dll = Path.Combine(RepositoryRoot, "src", name, "bin", Configuration, "net10.0", $"FluidManager.{name}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution ({Configuration}) first: {dll} is missing.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepositoryRoot, "src", name),
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FluidManager.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (FluidManager.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>A host process with its output kept for diagnostics; disposing it ends the process and its children.</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private HostProcess(string name, Process process)
        {
            Name = name;
            _process = process;
        }

        public string Name { get; }

        public bool HasExited => _process.HasExited;

        public string? SiloName => _process.StartInfo.Environment.TryGetValue("Fluid__Silo__Name", out var name) ? name : null;

        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        public string Output => string.Join(Environment.NewLine, _output.TakeLast(200));

        public static HostProcess Start(string name, IReadOnlyDictionary<string, string> environment)
        {
            var start = Host(name, "--contentRoot", Path.Combine(RepositoryRoot, "src", name));
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            var process = new Process { StartInfo = start };
            var host = new HostProcess(name, process);
            process.OutputDataReceived += (_, e) => host.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                _output.Enqueue(line);
            }
        }
    }
}
