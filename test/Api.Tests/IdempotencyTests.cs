using System.Net;
using System.Net.Http.Json;
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
/// Idempotency-Key through the API, and its deadlines (retention, the pending timeout of a request
/// that died, the hourly purge) on the real store and database with a fake clock moved forward
/// instead of waiting hours. The store and the janitor get their own clock there: the Api host's
/// TimeProvider is the Orleans silo's too, so it stays the system clock.
/// </summary>
public sealed class IdempotencyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly ApiOptions Defaults = new();
    private static readonly byte[] Hash = [1, 2, 3];

    [Fact]
    public async Task A_replay_returns_the_first_response_with_the_replayed_header_and_does_not_run_again()
    {
        using var owner = await fixture.OwnerAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await owner.SendAsync(CreateCompany(key, "Gamma"));
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.Should().Be(HttpStatusCode.Created, firstBody);
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();

        using var replay = await owner.SendAsync(CreateCompany(key, "Gamma"));
        replay.StatusCode.Should().Be(HttpStatusCode.Created);
        (await replay.Content.ReadAsStringAsync()).Should().Be(firstBody);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        replay.Headers.Location.Should().Be(first.Headers.Location);
        replay.Content.Headers.ContentType!.MediaType.Should().Be("application/json");

        var companies = await (await owner.GetAsync("/api/companies")).ReadJsonAsync();
        companies.EnumerateArray().Count(c => c.GetProperty("name").GetString() == "Gamma").Should().Be(1);
    }

    [Fact]
    public async Task The_same_key_with_another_body_answers_422()
    {
        using var owner = await fixture.OwnerAsync();
        var key = Guid.NewGuid().ToString();
        (await owner.SendAsync(CreateCompany(key, "Delta"))).StatusCode.Should().Be(HttpStatusCode.Created);
        await (await owner.SendAsync(CreateCompany(key, "Epsilon"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_user()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        using var admin = await fixture.SignInAsync(World.AcmeAdminEmail, ApiFixture.Password);
        var key = Guid.NewGuid().ToString();

        using var byOwner = await owner.SendAsync(Rename(key, world.AcmeViewer, "Vera"));
        byOwner.StatusCode.Should().Be(HttpStatusCode.OK);
        using var byAdmin = await admin.SendAsync(Rename(key, world.AcmeViewer, "Vera"));
        byAdmin.StatusCode.Should().Be(HttpStatusCode.OK);
        byAdmin.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        using var byOwnerAgain = await owner.SendAsync(Rename(key, world.AcmeViewer, "Vera"));
        byOwnerAgain.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
    }

    [Fact]
    public async Task A_refused_command_releases_its_key_for_a_corrected_retry()
    {
        using var owner = await fixture.OwnerAsync();
        var key = Guid.NewGuid().ToString();
        await (await owner.SendAsync(CreateCompany(key, ""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        (await owner.SendAsync(CreateCompany(key, "Eta"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_key_longer_than_200_characters_answers_400()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.SendAsync(CreateCompany(new string('k', 201), "Theta"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency.invalid_key");
    }

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

    private static HttpRequestMessage Rename(string key, long userId, string displayName)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{userId}") { Content = JsonContent.Create(new { displayName }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    private static HttpRequestMessage CreateCompany(string key, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/companies") { Content = JsonContent.Create(new { name }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }
}
