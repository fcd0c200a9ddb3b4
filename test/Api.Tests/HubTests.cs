using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace FluidManager.Api.Tests;

/// <summary>
/// The live hub through a real WebSocket and SignalR's JSON protocol, spoken by hand (the SignalR
/// .NET client's transports are not in the package registry).
/// </summary>
public sealed class HubTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_connection_receives_its_own_companys_events_and_never_another_companys()
    {
        var world = await fixture.WorldAsync();
        await using var acme = await ConnectAsync(ApiFixture.OwnerEmail, ApiFixture.OwnerPassword);
        await using var beta = await ConnectAsync(World.BetaCeoEmail, ApiFixture.Password);

        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:5", "task.created"), (world.Acme, "task:5", "task.created"), (world.Acme, "task:5", "task.done"));

        var acmeEvents = await acme.ReceiveEventsAsync(2);
        acmeEvents.Select(e => e.GetProperty("type").GetString()).Should().Equal("task.created", "task.done");
        acmeEvents.Should().AllSatisfy(e => e.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Acme));
        var betaEvents = await beta.ReceiveEventsAsync(1);
        betaEvents.Single().GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta);

        // The next event in Beta arrives, and nothing from Acme came before it.
        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:6", "task.created"));
        (await beta.ReceiveEventsAsync(1)).Single().GetProperty("stream").GetString().Should().Be("task:6");
    }

    [Fact]
    public async Task A_connection_that_leaves_the_company_feed_receives_only_its_subscribed_streams()
    {
        var world = await fixture.WorldAsync();
        await using var viewer = await ConnectAsync(World.BetaViewerEmail, ApiFixture.Password);
        await viewer.InvokeAsync("UnsubscribeAsync", "company");
        await viewer.InvokeAsync("SubscribeAsync", "task:8");
        (await viewer.InvokeAsync("SubscribeAsync", "not a stream")).TryGetProperty("error", out _).Should().BeTrue();

        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:7", "task.created"), (world.Acme, "task:8", "task.created"), (world.Beta, "task:8", "task.created"));
        var received = (await viewer.ReceiveEventsAsync(1)).Single();
        received.GetProperty("stream").GetString().Should().Be("task:8");
        received.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta);
    }

    [Fact]
    public async Task A_websocket_without_credentials_is_refused()
    {
        var client = fixture.Factory.Server.CreateWebSocketClient();
        var connect = () => client.ConnectAsync(new Uri(fixture.Factory.Server.BaseAddress, "/hubs/events"), CancellationToken.None);
        (await connect.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("401");
    }

    private async Task<RawHubConnection> ConnectAsync(string email, string password)
    {
        using var http = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        var client = fixture.Factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = cookie;
        var socket = await client.ConnectAsync(new Uri(fixture.Factory.Server.BaseAddress, "/hubs/events"), CancellationToken.None);
        var connection = new RawHubConnection(socket);
        await connection.HandshakeAsync();
        return connection;
    }

    /// <summary>SignalR's JSON hub protocol: records end with 0x1E; type 1 invocation, 3 completion, 6 ping.</summary>
    private sealed class RawHubConnection(WebSocket socket) : IAsyncDisposable
    {
        private const char Separator = '\u001e';
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
        private readonly Queue<JsonElement> _pending = new();
        private int _invocations;

        public async Task HandshakeAsync()
        {
            await SendAsync("""{"protocol":"json","version":1}""");
            var handshake = await ReceiveAsync();
            handshake.TryGetProperty("error", out _).Should().BeFalse(handshake.GetRawText());
        }

        /// <summary>Invokes a hub method and returns its completion message.</summary>
        public async Task<JsonElement> InvokeAsync(string method, params object[] arguments)
        {
            var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments }));
            while (true)
            {
                var message = await ReceiveAsync();
                if (message.GetProperty("type").GetInt32() == 3 && message.GetProperty("invocationId").GetString() == id)
                {
                    return message;
                }

                _pending.Enqueue(message);
            }
        }

        /// <summary>The next <paramref name="count"/> "event" messages (their single argument), waiting up to 15 s.</summary>
        public async Task<List<JsonElement>> ReceiveEventsAsync(int count)
        {
            var events = new List<JsonElement>();
            while (events.Count < count)
            {
                var message = _pending.Count > 0 ? _pending.Dequeue() : await ReceiveAsync();
                if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == "event")
                {
                    events.Add(message.GetProperty("arguments")[0]);
                }
            }

            return events;
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }

            socket.Dispose();
        }

        private Task SendAsync(string json) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, CancellationToken.None);

        private readonly StringBuilder _received = new();

        private async Task<JsonElement> ReceiveAsync()
        {
            using var deadline = new CancellationTokenSource(Timeout);
            var buffer = new byte[8192];
            while (true)
            {
                var text = _received.ToString();
                var end = text.IndexOf(Separator, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _received.Remove(0, end + 1);
                    return JsonSerializer.Deserialize<JsonElement>(text[..end]);
                }

                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"The hub closed the connection: {result.CloseStatusDescription}");
                }

                _received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
        }
    }
}
