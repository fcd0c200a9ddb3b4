using FluidManager.Api.Hosting;
using FluidManager.Api.Idempotency;
using FluidManager.Grains.Access;
using FluidManager.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FluidManager.Api.Tests;

/// <summary>
/// The deadlines of idempotency keys (retention, the pending timeout of a request that died, the
/// hourly purge) on the real store and database, with a fake clock moved forward instead of waiting
/// hours. The store and the janitor get their own clock here: the Api host's TimeProvider is the
/// Orleans silo's too, so it stays the system clock.
/// </summary>
public sealed class IdempotencyRetentionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly ApiOptions Defaults = new();
    private static readonly byte[] Hash = [1, 2, 3];

    [Fact]
    public async Task A_stored_response_replays_until_its_retention_ends_and_then_the_key_runs_again()
    {
        var world = await fixture.WorldAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        var store = new IdempotencyStore(dataSource, clock);
        var key = Guid.NewGuid().ToString();

        (await BeginAsync(store, world, key)).Decision.Should().Be(IdempotencyDecision.Run);
        await store.CompleteAsync(world.Acme, world.AcmeViewer, key, new IdempotentResponse(201, "{}"u8.ToArray(), "application/json", "/api/x/1"), CancellationToken.None);

        clock.Advance(Defaults.IdempotencyRetention - TimeSpan.FromMinutes(1));
        var replay = await BeginAsync(store, world, key);
        replay.Decision.Should().Be(IdempotencyDecision.Replay);
        replay.Stored!.StatusCode.Should().Be(201);
        replay.Stored.Location.Should().Be("/api/x/1");

        clock.Advance(TimeSpan.FromMinutes(2));
        (await BeginAsync(store, world, key)).Decision.Should().Be(IdempotencyDecision.Run);
        (await CountAsync(key)).Should().Be(1, "the expired row was replaced by a new pending one");
    }

    [Fact]
    public async Task A_pending_key_is_in_flight_until_its_pending_timeout_then_counts_as_a_dead_request()
    {
        var world = await fixture.WorldAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        var store = new IdempotencyStore(dataSource, clock);
        var key = Guid.NewGuid().ToString();

        (await BeginAsync(store, world, key)).Decision.Should().Be(IdempotencyDecision.Run);
        clock.Advance(Defaults.IdempotencyPendingTimeout - TimeSpan.FromSeconds(1));
        (await BeginAsync(store, world, key)).Decision.Should().Be(IdempotencyDecision.InFlight);

        clock.Advance(TimeSpan.FromSeconds(2));
        (await BeginAsync(store, world, key)).Decision.Should().Be(IdempotencyDecision.Run);
    }

    [Fact]
    public async Task The_janitor_purges_keys_past_their_retention_on_its_hourly_tick_and_keeps_younger_ones()
    {
        var world = await fixture.WorldAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        var store = new IdempotencyStore(dataSource, clock);
        var (old, young) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        (await BeginAsync(store, world, old)).Decision.Should().Be(IdempotencyDecision.Run);
        clock.Advance(TimeSpan.FromHours(2));
        (await BeginAsync(store, world, young)).Decision.Should().Be(IdempotencyDecision.Run);

        using var janitor = new IdempotencyJanitor(store, Options.Create(Defaults), clock, NullLogger<IdempotencyJanitor>.Instance);
        await janitor.StartAsync(CancellationToken.None);
        try
        {
            // 25 h after the old key, 23 h after the young one: the next tick purges only the old.
            clock.Advance(Defaults.IdempotencyRetention - TimeSpan.FromHours(1));
            await Eventually.WaitAsync(() => CountAsync(old), count => count == 0, TimeSpan.FromSeconds(10), "the old key purged");
            (await CountAsync(young)).Should().Be(1);
        }
        finally
        {
            await janitor.StopAsync(CancellationToken.None);
        }
    }

    private static Task<(IdempotencyDecision Decision, IdempotentResponse? Stored)> BeginAsync(IdempotencyStore store, World world, string key) =>
        store.BeginAsync(world.Acme, world.AcmeViewer, key, Hash, Defaults.IdempotencyRetention, Defaults.IdempotencyPendingTimeout, CancellationToken.None);

    private Task<long> CountAsync(string key) =>
        fixture.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = @key", ("key", key));
}
