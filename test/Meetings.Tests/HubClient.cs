using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace FluidManager.Meetings.Tests;

/// <summary>
/// A client of the live hub: the SignalR .NET client over a real WebSocket of the test server. It
/// collects every "event" message in arrival order.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private Exception? _closedBy;
    private bool _closed;

    private HubClient(HubConnection connection)
    {
        _connection = connection;
        connection.On<JsonElement>("event", e =>
        {
            lock (_lock)
            {
                _events.Add(e.Clone());
            }
        });
        connection.Closed += error =>
        {
            _closedBy = error;
            _closed = true;
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects to <c>/hubs/events</c> of <paramref name="server"/>, carrying the session cookie on negotiation and on the WebSocket.</summary>
    public static async Task<HubClient> ConnectAsync(TestServer server, string cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/events"), HttpTransportType.WebSockets, options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Headers["Cookie"] = cookie;
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Cookie = cookie;
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
        var client = new HubClient(connection);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.StartAsync(deadline.Token);
        return client;
    }

    /// <summary>The events received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Waits until the events received so far satisfy <paramref name="done"/> (default 60 s).</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitAsync(Func<IReadOnlyList<JsonElement>, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var events = Events;
            if (done(events))
            {
                return events;
            }

            if (_closed)
            {
                throw new InvalidOperationException($"The hub closed the connection while waiting for {what}.", _closedBy);
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Timed out waiting for {what}; received {Events.Count} event(s): {string.Join(", ", Events.Select(e => e.GetProperty("type").GetString()))}");
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
