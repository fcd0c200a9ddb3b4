using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Runtime.Tests;

public sealed class EventTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Reader_after_P_never_skips_an_event_whose_transaction_commits_later()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        var log = runtime.Get<EventLog>();
        var start = await log.TailAsync();

        // Transaction A writes first (lower position) but commits last.
        await using var dataSource = database.CreateDataSource();
        await using var a = await dataSource.OpenConnectionAsync();
        await using var txA = await a.BeginTransactionAsync();
        await InsertEventAsync(a, txA, "order", "first-written");

        await using (var b = await dataSource.OpenConnectionAsync())
        await using (var txB = await b.BeginTransactionAsync())
        {
            await InsertEventAsync(b, txB, "order", "second-written");
            await txB.CommitAsync();
        }

        // B is committed, but A (older) is still running: the reader must wait rather than move past A.
        (await log.ReadAsync(start, stream: "order")).Should().BeEmpty();
        await txA.CommitAsync();
        // Positions are released once no older transaction anywhere in the cluster is still running.
        var events = await Eventually.WaitAsync(() => log.ReadAsync(start, stream: "order"), e => e.Count >= 2, TimeSpan.FromSeconds(10), "both events");
        events.Select(e => e.Type).Should().Equal("first-written", "second-written");
        (await log.ReadAsync(events[^1].Position, stream: "order")).Should().BeEmpty("each event is read exactly once");
    }

    [Fact]
    public async Task Listener_delivers_every_event_in_order_and_catches_up_after_its_connection_is_killed()
    {
        var sink = new CollectingSink();
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false, services: s =>
        {
            s.AddSingleton<IEventSink>(sink);
            s.AddSingleton<EventListener>();
            s.AddHostedService(sp => sp.GetRequiredService<EventListener>());
        });
        var listener = runtime.Get<EventListener>();
        await Eventually.WaitAsync(() => Task.FromResult(listener.Cursor), c => c >= 0, TimeSpan.FromSeconds(10), "the listener to start");

        for (var i = 0; i < 20; i++)
        {
            await PublishAsync(runtime, "listen", $"e{i}");
            if (i == 9)
            {
                await database.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fluid-listen:fluid_events' AND datname = current_database()");
            }
        }

        await Eventually.WaitAsync(() => Task.FromResult(sink.Types("listen").Count), n => n >= 20, TimeSpan.FromSeconds(20), "20 events at the sink");
        sink.Types("listen").Should().Equal(Enumerable.Range(0, 20).Select(i => $"e{i}"));
    }

    [Fact]
    public async Task Events_carry_company_actor_and_payload_and_filter_by_company()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        var start = await runtime.Get<EventLog>().TailAsync();
        using (CallerContext.As("human:42"))
        {
            await PublishAsync(runtime, "company-filter", "for-1", companyId: 1);
            await PublishAsync(runtime, "company-filter", "for-2", companyId: 2);
        }

        var forOne = await Eventually.WaitAsync(() => runtime.Get<EventLog>().ReadAsync(start, companyId: 1), e => e.Count >= 1, TimeSpan.FromSeconds(10), "company 1's event");
        forOne.Should().ContainSingle(e => e.Type == "for-1").Which.Actor.Should().Be("human:42");
        forOne.Should().NotContain(e => e.Type == "for-2");
    }

    private static Task PublishAsync(RuntimeHost runtime, string stream, string type, long? companyId = null) =>
        runtime.Grains.GetGrain<ICounterGrain>("publisher").AnnounceAsync(stream, type, companyId);

    private static async Task InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string type)
    {
        await using var command = new NpgsqlCommand(RuntimeSql.PublishEvent, connection, transaction);
        command.Parameters.AddWithValue("seq", 1L);
        command.Parameters.AddWithValue("company_id", NpgsqlTypes.NpgsqlDbType.Bigint, DBNull.Value);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("payload", NpgsqlTypes.NpgsqlDbType.Jsonb, "{}");
        command.Parameters.AddWithValue("actor", NpgsqlTypes.NpgsqlDbType.Text, DBNull.Value);
        command.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
        await command.ExecuteScalarAsync();
    }

    private sealed class CollectingSink : IEventSink
    {
        private readonly List<EventRecord> _events = [];

        public List<string> Types(string stream)
        {
            lock (_events)
            {
                return _events.Where(e => e.Stream == stream).Select(e => e.Type).ToList();
            }
        }

        public Task OnEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
        {
            lock (_events)
            {
                _events.AddRange(events);
            }

            return Task.CompletedTask;
        }
    }
}
