using System.Net;
using System.Text.Json;
using FluidManager.TestSupport;
using Npgsql;

namespace FluidManager.Api.Tests;

public sealed class EventsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Events_are_read_only_for_the_callers_company_in_order_with_a_next_position()
    {
        var world = await fixture.WorldAsync();
        var before = await WriteEventsAsync(fixture.ConnectionString,
            (world.Acme, "task:1", "task.created"), (world.Beta, "task:1", "task.created"), (world.Acme, "task:2", "task.created"),
            (null, "silo:x", "silo.started"), (world.Acme, "task:1", "task.paused"));

        using var owner = await fixture.OwnerAsync();
        // The log shows a commit once no older transaction anywhere in the cluster is still open, so wait for it.
        var page = await Eventually.WaitAsync(
            async () => await (await owner.GetAsync($"/api/events?after={before}")).ReadJsonAsync(),
            p => p.GetProperty("events").GetArrayLength() >= 3, TimeSpan.FromSeconds(10), "Acme's three events");
        var events = page.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("type").GetString()).Should().Equal("task.created", "task.created", "task.paused");
        events.Select(e => e.GetProperty("stream").GetString()).Should().Equal("task:1", "task:2", "task:1");
        events.Select(e => e.GetProperty("position").GetInt64()).Should().BeInAscendingOrder();
        page.GetProperty("next").GetInt64().Should().Be(events[^1].GetProperty("position").GetInt64());

        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        var beta = (await Eventually.WaitAsync(
            async () => await (await betaCeo.GetAsync($"/api/events?after={before}")).ReadJsonAsync(),
            p => p.GetProperty("events").GetArrayLength() >= 1, TimeSpan.FromSeconds(10), "Beta's event")).GetProperty("events").EnumerateArray().ToList();
        beta.Should().ContainSingle().Which.GetProperty("payload").GetProperty("company").GetInt64().Should().Be(world.Beta);
    }

    [Fact]
    public async Task A_stream_filter_and_a_limit_page_through_one_stream()
    {
        var world = await fixture.WorldAsync();
        await WriteEventsAsync(fixture.ConnectionString, (world.Acme, "agent:7", "agent.hired"), (world.Acme, "agent:8", "agent.hired"), (world.Acme, "agent:7", "agent.paused"));
        using var owner = await fixture.OwnerAsync();
        await Eventually.WaitAsync(
            async () => await (await owner.GetAsync("/api/events?stream=agent:7")).ReadJsonAsync(),
            p => p.GetProperty("events").GetArrayLength() >= 2, TimeSpan.FromSeconds(10), "agent:7's two events");

        var first = await (await owner.GetAsync("/api/events?stream=agent:7&limit=1")).ReadJsonAsync();
        first.GetProperty("events").EnumerateArray().Single().GetProperty("type").GetString().Should().Be("agent.hired");
        var next = first.GetProperty("next").GetInt64();
        var second = await (await owner.GetAsync($"/api/events?stream=agent:7&limit=1&after={next}")).ReadJsonAsync();
        second.GetProperty("events").EnumerateArray().Single().GetProperty("type").GetString().Should().Be("agent.paused");
        var end = await (await owner.GetAsync($"/api/events?stream=agent:7&after={second.GetProperty("next").GetInt64()}")).ReadJsonAsync();
        end.GetProperty("events").GetArrayLength().Should().Be(0);
        end.GetProperty("next").GetInt64().Should().Be(second.GetProperty("next").GetInt64());
    }

    /// <summary>Writes events the way a turn does (position from the transaction id) in one transaction, and notifies listeners; returns the log's last position before them.</summary>
    internal static async Task<long> WriteEventsAsync(string connectionString, params (long? Company, string Stream, string Type)[] events)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long before;
        await using (var tail = new NpgsqlCommand("SELECT COALESCE(max(position), 0) FROM runtime.events", connection))
        {
            before = (long)(await tail.ExecuteScalarAsync())!;
        }

        await using var transaction = await connection.BeginTransactionAsync();
        var seq = 0;
        foreach (var (company, stream, type) in events)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO runtime.events (position, company_id, stream, type, payload, actor, at)
                VALUES ((pg_current_xact_id()::text::bigint << 20) + @seq, @company, @stream, @type, @payload::jsonb, 'human:1', now())
                """, connection, transaction);
            insert.Parameters.AddWithValue("seq", ++seq);
            insert.Parameters.AddWithValue("company", NpgsqlTypes.NpgsqlDbType.Bigint, (object?)company ?? DBNull.Value);
            insert.Parameters.AddWithValue("stream", stream);
            insert.Parameters.AddWithValue("type", type);
            insert.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new { company }));
            await insert.ExecuteNonQueryAsync();
        }

        await using (var notify = new NpgsqlCommand("SELECT pg_notify('fluid_events', '')", connection, transaction))
        {
            await notify.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return before;
    }

    [Fact]
    public async Task Reading_events_needs_a_member()
    {
        using var anonymous = fixture.Anonymous();
        (await anonymous.GetAsync("/api/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
