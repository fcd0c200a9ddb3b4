using System.Diagnostics;
using System.Text.Json;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// The SignalR JavaScript client under Node (test/e2e/listen.mjs), connected to /hubs/events with an
/// API token over WebSockets: it joins its company's feed and reports every "event" it receives.
/// </summary>
public sealed class NodeHubListener : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _errors = [];
    private readonly TaskCompletionSource<JsonElement> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeHubListener(Process process) => _process = process;

    /// <summary>The events received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public static async Task<NodeHubListener> ConnectAsync(Uri api, string token)
    {
        var folder = Path.Combine(RunningSystem.RepositoryRoot, "test", "e2e");
        await EnsureInstalledAsync(folder);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("listen.mjs");
        start.ArgumentList.Add(api.ToString());
        start.ArgumentList.Add(token);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listener = new NodeHubListener(process);
        process.OutputDataReceived += (_, e) => listener.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (listener._errors)
                {
                    listener._errors.Add(line);
                }
            }
        };
        process.Exited += (_, _) => listener._connected.TrySetException(new InvalidOperationException("The Node client exited: " + listener.Errors));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var hello = await listener._connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (!hello.GetProperty("connected").GetBoolean())
        {
            throw new InvalidOperationException("The Node client could not connect: " + hello);
        }

        return listener;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return string.Join(Environment.NewLine, _errors);
            }
        }
    }

    /// <summary>Waits, woken by each arriving event, until <paramref name="done"/> holds for the events received.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(Func<IReadOnlyList<JsonElement>, bool> done, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_events)
            {
                if (done(_events))
                {
                    return _events.ToList();
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The Node client did not receive {what} within {timeout.TotalSeconds} s; it received {Events.Count} events. {Errors}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var message = JsonSerializer.Deserialize<JsonElement>(line);
        if (message.TryGetProperty("connected", out _))
        {
            _connected.TrySetResult(message);
            return;
        }

        if (message.TryGetProperty("event", out var received))
        {
            lock (_events)
            {
                _events.Add(received);
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }
        }
        else
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        }
    }

    /// <summary>Installs test/e2e's locked npm packages (the SignalR client, the MCP SDK) once, when any is missing.</summary>
    internal static async Task EnsureInstalledAsync(string folder)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr", "package.json"))
                && File.Exists(Path.Combine(folder, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
            {
                return;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed ({npm.ExitCode}): {await output}{await error}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
