using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace FluidManager.Api.Tests;

public sealed class TokensTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_token_works_as_bearer_until_revoked_then_answers_401()
    {
        using var owner = await fixture.OwnerAsync();
        var created = await (await owner.PostAsJsonAsync("/api/tokens", new { name = "ci" })).ReadJsonAsync(HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString()!;
        token.Should().MatchRegex("^fm_[0-9a-f]{12}_.+$");
        var id = created.GetProperty("id").GetInt64();

        using var script = fixture.WithToken(token);
        var me = await (await script.GetAsync("/api/auth/me")).ReadJsonAsync();
        me.GetProperty("authentication").GetString().Should().Be("token");
        me.GetProperty("role").GetString().Should().Be("ceo");
        (await script.GetAsync("/api/users")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await owner.DeleteAsync($"/api/tokens/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var refused = await script.GetAsync("/api/auth/me");
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        refused.Headers.WwwAuthenticate.ToString().Should().Contain("Bearer");

        var listed = await (await owner.GetAsync("/api/tokens")).ReadJsonAsync();
        listed.EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == id).GetProperty("revokedAt").ValueKind.Should().NotBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task The_secret_is_returned_only_when_created_and_stored_only_as_a_hash()
    {
        using var owner = await fixture.OwnerAsync();
        var created = await (await owner.PostAsJsonAsync("/api/tokens", new { name = "laptop" })).ReadJsonAsync(HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString()!;
        var secret = token.Split('_', 3)[2];

        var list = await (await owner.GetAsync("/api/tokens")).ReadJsonAsync();
        var text = list.GetRawText();
        text.Should().NotContain(secret).And.NotContain("\"token\"").And.NotContain("hash", "the list shows names, prefixes and dates only");
        list.EnumerateArray().Should().Contain(t => t.GetProperty("prefix").GetString() == token.Split('_')[1]);

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var stored = new NpgsqlCommand("SELECT count(*) FROM api_tokens WHERE encode(token_hash, 'escape') LIKE '%' || @secret || '%' OR name LIKE '%' || @secret || '%'", connection);
        stored.Parameters.AddWithValue("secret", secret);
        ((long)(await stored.ExecuteScalarAsync())!).Should().Be(0);
    }

    [Theory]
    [InlineData("fm_000000000000_thisisnotarealsecretatall")]
    [InlineData("not-even-the-format")]
    public async Task Unknown_or_malformed_tokens_answer_401(string token)
    {
        using var client = fixture.WithToken(token);
        await (await client.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_tampered_secret_is_refused()
    {
        using var owner = await fixture.OwnerAsync();
        var token = (await (await owner.PostAsJsonAsync("/api/tokens", new { name = "tamper" })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        using var client = fixture.WithToken(tampered);
        (await client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_users_or_companys_token_ids_answer_404()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        var id = (await (await owner.PostAsJsonAsync("/api/tokens", new { name = "mine" })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await betaCeo.DeleteAsync($"/api/tokens/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        using var acmeAdmin = await fixture.SignInAsync(World.AcmeAdminEmail, ApiFixture.Password);
        await (await acmeAdmin.DeleteAsync($"/api/tokens/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await (await acmeAdmin.GetAsync("/api/tokens")).ReadJsonAsync()).EnumerateArray().Should().BeEmpty();

        // The owner's own token in Beta is scoped to Beta: it does not reach Acme's tokens either.
        using var ownerInBeta = await fixture.OwnerAsync(world.Beta);
        await (await ownerInBeta.DeleteAsync($"/api/tokens/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_viewer_token_reads_but_cannot_command_and_dies_with_the_membership()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        var id = await ApiFixture.AddUserAsync(owner, "robot@acme.test", "viewer");
        using var robot = await fixture.SignInAsync("robot@acme.test", ApiFixture.Password);
        var token = (await (await robot.PostAsJsonAsync("/api/tokens", new { name = "reader", expiresAt = DateTimeOffset.UtcNow.AddDays(30) })).ReadJsonAsync(HttpStatusCode.Created))
            .GetProperty("token").GetString()!;

        using var script = fixture.WithToken(token);
        (await script.GetAsync("/api/events")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await script.PostAsJsonAsync("/api/companies", new { name = "Nope" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await script.PostAsJsonAsync("/api/auth/switch", new { companyId = world.Beta })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        (await owner.DeleteAsync($"/api/users/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await script.GetAsync("/api/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expiry_in_the_past_or_a_missing_name_answer_400()
    {
        using var owner = await fixture.OwnerAsync();
        var problem = await (await owner.PostAsJsonAsync("/api/tokens", new { expiresAt = DateTimeOffset.UtcNow.AddDays(-1) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").TryGetProperty("name", out _).Should().BeTrue();
        problem.GetProperty("errors").TryGetProperty("expiresAt", out _).Should().BeTrue();
    }
}
