using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace FluidManager.Meetings.Tests;

/// <summary>
/// A client of the live hub over a real WebSocket, speaking SignalR's JSON protocol by hand (the SignalR
/// .NET client's transports are not in the package registry): records end with 0x1E; type 1 is an
/// invocation, 3 a completion, 6 a ping. A background loop collects every "event" message in arrival order.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly WebSocket _socket;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _received = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private Task? _loop;

    private HubClient(WebSocket socket) => _socket = socket;

    public static async Task<HubClient> ConnectAsync(WebSocket socket)
    {
        var client = new HubClient(socket);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReceiveAsync(CancellationToken.None);
        handshake.TryGetProperty("error", out _).Should().BeFalse(handshake.GetRawText());
        client._loop = Task.Run(client.ListenAsync);
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

            if (_loop is { IsCompleted: true })
            {
                await _loop; // surfaces the error that ended the connection
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Timed out waiting for {what}; received {Events.Count} event(s): {string.Join(", ", Events.Select(e => e.GetProperty("type").GetString()))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
            catch (WebSocketException)
            {
            }
        }

        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ListenAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var message = await ReceiveAsync(_stop.Token);
            if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == "event")
            {
                lock (_lock)
                {
                    _events.Add(message.GetProperty("arguments")[0].Clone());
                }
            }
        }
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<JsonElement> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16384];
        while (true)
        {
            var text = _received.ToString();
            var end = text.IndexOf(Separator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _received.Remove(0, end + 1);
                return JsonSerializer.Deserialize<JsonElement>(text[..end]);
            }

            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The hub closed the connection: {result.CloseStatusDescription}");
            }

            var chars = new char[_decoder.GetCharCount(buffer, 0, result.Count)];
            _decoder.GetChars(buffer, 0, result.Count, chars, 0);
            _received.Append(chars);
        }
    }
}
