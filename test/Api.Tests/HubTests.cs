using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace FluidManager.Api.Tests;

/// <summary>
/// The live hub through the SignalR .NET client over a real WebSocket to the test server, signed in
/// with the session cookie the way the dashboard is. (The dashboard's own JavaScript client is
/// proven end to end by test/e2e/listen.mjs in EndToEnd.Tests.)
/// </summary>
public sealed class HubTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

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
        await viewer.Connection.InvokeAsync("UnsubscribeAsync", "company");
        await viewer.Connection.InvokeAsync("SubscribeAsync", "task:8");
        var badStream = () => viewer.Connection.InvokeAsync("SubscribeAsync", "not a stream");
        (await badStream.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("A stream is \"company\" or \"<kind>:<id>\"");

        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:7", "task.created"), (world.Acme, "task:8", "task.created"), (world.Beta, "task:8", "task.created"));
        var received = (await viewer.ReceiveEventsAsync(1)).Single();
        received.GetProperty("stream").GetString().Should().Be("task:8");
        received.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta);
    }

    [Fact]
    public async Task A_client_that_reconnects_catches_up_from_its_last_position_and_then_receives_live_again()
    {
        var world = await fixture.WorldAsync();
        var cookie = await SessionCookieAsync(World.BetaCeoEmail, ApiFixture.Password);
        using var http = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", cookie);

        await using var first = await StartAsync(cookie);
        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:10", "task.created"));
        var seen = (await first.ReceiveEventsAsync(1)).Single();
        seen.GetProperty("stream").GetString().Should().Be("task:10");
        var lastPosition = seen.GetProperty("position").GetInt64();
        await first.Connection.StopAsync();

        // Written while the client is away: the hub has no one to push them to.
        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:11", "task.created"), (world.Acme, "task:11", "task.created"), (world.Beta, "task:11", "task.done"));

        await using var second = await StartAsync(cookie);
        var missed = await Eventually.WaitAsync(
            async () => (await (await http.GetAsync($"/api/events?after={lastPosition}")).ReadJsonAsync()).GetProperty("events").EnumerateArray().ToList(),
            events => events.Count >= 2, TimeSpan.FromSeconds(10), "the two Beta events written while disconnected");
        missed.Select(e => e.GetProperty("type").GetString()).Should().Equal("task.created", "task.done");
        missed.Should().AllSatisfy(e => e.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta));
        missed.Select(e => e.GetProperty("position").GetInt64()).Should().OnlyContain(p => p > lastPosition);

        await EventsTests.WriteEventsAsync(fixture.ConnectionString, (world.Beta, "task:12", "task.created"));
        // The listener may still be pushing the events written while the client was away when the
        // second connection joins: those arrive live too, and are only ever Beta's own.
        var received = await second.ReceiveEventsUntilAsync(e => e.GetProperty("stream").GetString() == "task:12", max: 3);
        received.Should().AllSatisfy(e => e.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta));
        var live = received[^1];
        live.GetProperty("position").GetInt64().Should().BeGreaterThan(missed.Max(e => e.GetProperty("position").GetInt64()));
    }

    [Fact]
    public async Task A_member_change_is_pushed_live_to_its_company_and_never_to_another()
    {
        var world = await fixture.WorldAsync();
        await using var acme = await ConnectAsync(ApiFixture.OwnerEmail, ApiFixture.OwnerPassword);
        await using var beta = await ConnectAsync(World.BetaCeoEmail, ApiFixture.Password);
        using var owner = await fixture.OwnerAsync();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);

        var acmeMember = await ApiFixture.AddUserAsync(owner, "live.member@acme.test", "viewer");
        var acmePushed = await acme.ReceiveEventsUntilAsync(e => IsMemberAdded(e, acmeMember), max: 50);
        acmePushed[^1].GetProperty("stream").GetString().Should().Be($"company:{world.Acme}");

        // Beta's own change arrives live; Acme's never reached Beta's connection before it.
        var betaMember = await ApiFixture.AddUserAsync(betaCeo, "live.member@beta.test", "viewer");
        var betaPushed = await beta.ReceiveEventsUntilAsync(e => IsMemberAdded(e, betaMember), max: 50);
        betaPushed.Where(e => e.GetProperty("type").GetString()!.StartsWith("member.", StringComparison.Ordinal))
            .Should().OnlyContain(e => e.GetProperty("stream").GetString() == $"company:{world.Beta}");
        betaPushed.Should().NotContain(e => IsMemberAdded(e, acmeMember));
    }

    private static bool IsMemberAdded(JsonElement e, long userId) =>
        e.GetProperty("type").GetString() == "member.added" && e.GetProperty("payload").GetProperty("userId").GetInt64() == userId;

    [Fact]
    public async Task A_connection_without_credentials_is_refused()
    {
        // Through negotiation, as the client starts by default.
        await using var negotiating = Build(cookie: null, skipNegotiation: false);
        var negotiate = () => negotiating.StartAsync();
        (await negotiate.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        negotiating.State.Should().Be(HubConnectionState.Disconnected);

        // Straight to the WebSocket upgrade.
        await using var direct = Build(cookie: null, skipNegotiation: true);
        var upgrade = () => direct.StartAsync();
        (await upgrade.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("401");
        direct.State.Should().Be(HubConnectionState.Disconnected);
    }

    private async Task<Listener> ConnectAsync(string email, string password) => await StartAsync(await SessionCookieAsync(email, password));

    private async Task<string> SessionCookieAsync(string email, string password)
    {
        using var http = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        return login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private async Task<Listener> StartAsync(string cookie)
    {
        var connection = Build(cookie, skipNegotiation: false);
        var listener = new Listener(connection);
        using var deadline = new CancellationTokenSource(Timeout);
        await connection.StartAsync(deadline.Token);
        return listener;
    }

    /// <summary>A hub connection to the test server: negotiation through its handler, the WebSocket through its WebSocket client, both carrying the cookie.</summary>
    private HubConnection Build(string? cookie, bool skipNegotiation)
    {
        var server = fixture.Factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/events"), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = skipNegotiation;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (cookie is not null)
                {
                    options.Headers["Cookie"] = cookie;
                }

                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = server.CreateWebSocketClient();
                    if (cookie is not null)
                    {
                        client.ConfigureRequest = request => request.Headers.Cookie = cookie;
                    }

                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
    }

    /// <summary>A started connection and the "event" messages it has received, in order.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();

        public Listener(HubConnection connection)
        {
            Connection = connection;
            connection.On<JsonElement>("event", e => _events.Writer.TryWrite(e));
        }

        public HubConnection Connection { get; }

        /// <summary>The next <paramref name="count"/> events, waiting up to 15 s in all.</summary>
        public async Task<List<JsonElement>> ReceiveEventsAsync(int count)
        {
            using var deadline = new CancellationTokenSource(Timeout);
            var events = new List<JsonElement>();
            while (events.Count < count)
            {
                events.Add(await _events.Reader.ReadAsync(deadline.Token));
            }

            return events;
        }

        /// <summary>Reads events until one matches, failing when more than <paramref name="max"/> arrive first.</summary>
        public async Task<List<JsonElement>> ReceiveEventsUntilAsync(Func<JsonElement, bool> match, int max)
        {
            using var deadline = new CancellationTokenSource(Timeout);
            var events = new List<JsonElement>();
            while (events.Count == 0 || !match(events[^1]))
            {
                events.Count.Should().BeLessThan(max, "the awaited event should arrive among the first {0}", max);
                events.Add(await _events.Reader.ReadAsync(deadline.Token));
            }

            return events;
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
