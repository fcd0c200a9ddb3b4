using System.Diagnostics;
using System.Text.Json;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// A slow outside system behind an MCP server (test/e2e/slow-mcp-server.mjs, the official TypeScript SDK
/// under Node): its tool send_invoice takes a while to act and acts once per idempotency key. Every call
/// and every act it reports is kept here, by key.
/// </summary>
public sealed class SlowMcpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(string Kind, string Key)> _happenings = [];
    private readonly List<string> _errors = [];
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SlowMcpServer(Process process) => _process = process;

    /// <summary>The streamable HTTP endpoint.</summary>
    public string Url { get; private set; } = "";

    public static async Task<SlowMcpServer> StartAsync(TimeSpan hold)
    {
        var folder = Path.Combine(RunningSystem.RepositoryRoot, "test", "e2e");
        await NodeHubListener.EnsureInstalledAsync(folder);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("slow-mcp-server.mjs");
        start.ArgumentList.Add(((long)hold.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new SlowMcpServer(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (server._errors)
                {
                    server._errors.Add(line);
                }
            }
        };
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("The MCP server exited: " + server.Errors));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.Url = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return server;
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

    /// <summary>The calls received, each by its idempotency key, in arrival order.</summary>
    public IReadOnlyList<string> Calls => Of("call");

    /// <summary>The acts (invoices sent), each by the idempotency key of the call that made it.</summary>
    public IReadOnlyList<string> Effects => Of("effect");

    /// <summary>Waits, woken by each report of the server, until <paramref name="done"/> holds.</summary>
    public async Task WaitForAsync(Func<SlowMcpServer, bool> done, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_happenings)
            {
                changed = _changed.Task;
            }

            if (done(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The MCP server did not see {what} within {timeout.TotalSeconds} s: calls [{string.Join(", ", Calls)}], effects [{string.Join(", ", Effects)}]. {Errors}");
            }
        }
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

    private List<string> Of(string kind)
    {
        lock (_happenings)
        {
            return _happenings.Where(h => h.Kind == kind).Select(h => h.Key).ToList();
        }
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var message = JsonSerializer.Deserialize<JsonElement>(line);
        if (message.TryGetProperty("listening", out var url))
        {
            _listening.TrySetResult(url.GetString()!);
            return;
        }

        var kind = message.TryGetProperty("call", out var key) ? "call" : message.TryGetProperty("effect", out key) ? "effect" : null;
        lock (_happenings)
        {
            if (kind is null)
            {
                lock (_errors)
                {
                    _errors.Add(line);
                }

                return;
            }

            _happenings.Add((kind, key.GetString()!));
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
