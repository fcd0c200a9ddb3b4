using System.Collections.Concurrent;
using System.Text.Json;
using FluidManager.Knowledge.Web;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Knowledge.Mcp;

/// <summary>What connecting to a server needs, its secrets decrypted. Never logged, never returned.</summary>
internal sealed record McpServerConnection(
    long Id,
    long CompanyId,
    string Name,
    string Transport,
    string? Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string? Url,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Secrets,
    long Version,
    bool Enabled)
{
    /// <summary>Removes every secret value from a text (an error message) before it is stored or logged.</summary>
    public string Scrub(string text)
    {
        foreach (var value in Secrets.Values.Where(v => v.Length >= 4))
        {
            text = text.Replace(value, "***", StringComparison.Ordinal);
        }

        return text;
    }
}

/// <summary>
/// One MCP client per server and process, made on first use with the ModelContextProtocol SDK (a child
/// process for stdio, streamable HTTP otherwise) and kept while it works. A changed server (new version)
/// or a failed call drops the client, so the next use connects again.
/// </summary>
public sealed class McpConnections(IOptions<KnowledgeOptions> options, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>
    /// Where an http server may be: MCP servers often run on the installation's own machine or LAN, so loopback and
    /// private networks are reached; link-local (cloud metadata) and reserved addresses never, checked on every
    /// connection after DNS resolution.
    /// </summary>
    internal static readonly WebAddressPolicy AddressPolicy =
        new(WebAddressPolicy.PrivateNetworks, "link-local (cloud metadata) and reserved addresses are never reached by an MCP server connection");

    private readonly ConcurrentDictionary<long, Lazy<Task<Entry>>> _clients = new();

    private McpToolOptions Options => options.Value.Mcp;

    internal async Task<IList<McpClientTool>> ListToolsAsync(McpServerConnection server, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(server, cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.CallTimeout);
            return await client.ListToolsAsync(cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DropAsync(server.Id);
            throw;
        }
    }

    /// <summary>Calls a tool; a transport failure drops the client and is thrown (the caller decides whether to retry).</summary>
    internal async Task<CallToolResult> CallAsync(McpServerConnection server, string tool, IReadOnlyDictionary<string, JsonElement> arguments, Guid idempotencyKey, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(server, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.CallTimeout);
        try
        {
            return await client.CallToolAsync(
                new CallToolRequestParams
                {
                    Name = tool,
                    Arguments = arguments.ToDictionary(a => a.Key, a => a.Value),
                    Meta = new System.Text.Json.Nodes.JsonObject { ["io.fluidmanager/idempotency-key"] = idempotencyKey.ToString() },
                },
                timeout.Token);
        }
        catch (ModelContextProtocol.McpProtocolException)
        {
            throw; // the server answered with an error: the connection is fine
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DropAsync(server.Id);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _clients.Keys)
        {
            await DropAsync(id);
        }
    }

    private async Task<McpClient> ClientAsync(McpServerConnection server, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lazy = _clients.GetOrAdd(server.Id, _ => new Lazy<Task<Entry>>(() => ConnectAsync(server)));
            Entry entry;
            try
            {
                entry = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _clients.TryRemove(KeyValuePair.Create(server.Id, lazy));
                throw;
            }

            if (entry.Version == server.Version)
            {
                return entry.Client;
            }

            if (_clients.TryRemove(KeyValuePair.Create(server.Id, lazy)))
            {
                await entry.Client.DisposeAsync(); // the server was changed: connect with its new settings
            }
        }
    }

    private async Task<Entry> ConnectAsync(McpServerConnection server)
    {
        if (server.Transport == "stdio" && Options.CommandProblem(server.Command!) is { } problem)
        {
            throw new InvalidOperationException(problem); // registered before the operator narrowed the list
        }

        IClientTransport transport = server.Transport == "stdio"
            ? new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = server.Name,
                Command = server.Command!,
                Arguments = [.. server.Arguments],
                // Only a curated set of the host's variables (PATH, HOME…), never its own settings or secrets.
                InheritEnvironmentVariables = false,
                EnvironmentVariables = Merge(StdioClientTransportOptions.GetDefaultEnvironmentVariables(), server.Environment, server.Secrets),
            }, loggers)
            : new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = server.Name,
                    Endpoint = new Uri(server.Url!),
                    TransportMode = HttpTransportMode.StreamableHttp,
                    ConnectionTimeout = Options.ConnectTimeout,
                    AdditionalHeaders = Merge(new Dictionary<string, string?>(), server.Headers, server.Secrets)
                        .ToDictionary(h => h.Key, h => h.Value ?? "", StringComparer.OrdinalIgnoreCase),
                },
                new HttpClient(AddressPolicy.Handler()),
                loggers,
                ownsHttpClient: true);
        using var timeout = new CancellationTokenSource(Options.ConnectTimeout);
        var client = await McpClient.CreateAsync(
            transport,
            new McpClientOptions { ClientInfo = new Implementation { Name = "fluidManager", Version = "1.0" } },
            loggers,
            timeout.Token);
        return new Entry(server.Version, client);
    }

    private async Task DropAsync(long serverId)
    {
        if (_clients.TryRemove(serverId, out var lazy) && lazy.IsValueCreated)
        {
            try
            {
                var entry = await lazy.Value;
                await entry.Client.DisposeAsync();
            }
#pragma warning disable CA1031 // A client that failed to connect or close has nothing left to release.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static Dictionary<string, string?> Merge(IDictionary<string, string?> first, params IReadOnlyDictionary<string, string>[] more)
    {
        var merged = new Dictionary<string, string?>(first, StringComparer.Ordinal);
        foreach (var values in more)
        {
            foreach (var (key, value) in values)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private sealed record Entry(long Version, McpClient Client);
}
