using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluidManager.Grains.Storage;

namespace FluidManager.Grains.Tests;

/// <summary>
/// An S3-compatible server for the test class: s3rver (npm, pinned in test/tools) on a free port
/// with a temporary data folder and one bucket. Installs test/tools' packages on first use.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "fluid-test";
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly string _data = Directory.CreateTempSubdirectory("fluid-s3rver-").FullName;
    private Process? _server;
    private S3ObjectStore? _store;

    public IObjectStore Store => _store ?? throw new InvalidOperationException("s3rver is not started.");

    /// <summary>The server's address, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string ServiceUrl { get; private set; } = "";

    /// <summary>A store on this server with the fixture's credentials and bucket, as changed by <paramref name="change"/>. Dispose it.</summary>
    public S3ObjectStore CreateStore(Action<S3StorageOptions>? change = null)
    {
        var options = new S3StorageOptions
        {
            ServiceUrl = ServiceUrl,
            Bucket = Bucket,
            AccessKey = "S3RVER",
            SecretKey = "S3RVER",
            CreateBucket = false,
        };
        change?.Invoke(options);
        return S3ObjectStore.Create(options);
    }

    public async Task InitializeAsync()
    {
        var tools = Path.Combine(RepositoryRoot(), "test", "tools");
        var script = Path.Combine(tools, "node_modules", "s3rver", "bin", "s3rver.js");
        await EnsureInstalledAsync(tools, script);

        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--directory", _data, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        _server = new Process { StartInfo = start, EnableRaisingEvents = true };
        _server.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("S3rver listening", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        _server.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        _server.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"s3rver exited early: {errors}"));
        _server.Start();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        ServiceUrl = $"http://127.0.0.1:{port}";
        _store = CreateStore();
    }

    public async Task DisposeAsync()
    {
        _store?.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static async Task EnsureInstalledAsync(string tools, string script)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(script))
            {
                return;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = tools,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {tools} failed ({npm.ExitCode}): {await output}{await error}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string RepositoryRoot()
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
