using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace FluidManager.Api.Tests;

/// <summary>Adding a member, changing its role or account, resetting its password and removing it write events on the company stream, without secrets, seen by that company only.</summary>
public sealed class MemberEventsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Every_member_change_writes_its_event_on_the_company_stream_with_no_secret_in_it()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        var ownerId = (await (await owner.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user").GetProperty("id").GetInt64();
        const string email = "events.member@acme.test";
        const string firstPassword = "first password of the member";
        const string resetPassword = "the password an admin reset";

        var id = await ApiFixture.AddUserAsync(owner, email, "viewer", firstPassword);
        var firstHash = await PasswordHashAsync(id);
        (await owner.PatchAsJsonAsync($"/api/users/{id}", new { role = "admin" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await owner.PatchAsJsonAsync($"/api/users/{id}", new { password = resetPassword, displayName = "Renamed Member" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var resetHash = await PasswordHashAsync(id);
        (await owner.PatchAsJsonAsync($"/api/users/{id}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await owner.DeleteAsync($"/api/users/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // A generated password never reaches an event either.
        var generated = await (await owner.PostAsJsonAsync("/api/users", new { email = "events.generated@acme.test", displayName = "Generated", role = "viewer" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var generatedId = generated.GetProperty("member").GetProperty("id").GetInt64();
        var initialPassword = generated.GetProperty("initialPassword").GetString()!;

        var stream = $"company:{world.Acme}";
        var events = await owner.EventsUntilAsync(stream, e => e.Any(x => Type(x) == "member.added" && UserId(x) == generatedId));
        var mine = events.Where(e => Type(e).StartsWith("member.", StringComparison.Ordinal) && UserId(e) == id).ToList();
        mine.Select(Type).Should().Equal("member.added", "member.role_changed", "member.updated", "member.password_reset", "member.updated", "member.removed");
        mine.Should().AllSatisfy(e =>
        {
            e.GetProperty("stream").GetString().Should().Be(stream);
            e.GetProperty("actor").GetString().Should().Be($"human:{ownerId}");
        });

        var payloads = mine.Select(e => e.GetProperty("payload")).ToList();
        payloads[0].GetProperty("role").GetString().Should().Be("viewer");
        payloads[1].GetProperty("role").GetString().Should().Be("admin");
        payloads[1].GetProperty("previousRole").GetString().Should().Be("viewer");
        payloads[2].GetProperty("changed").Strings().Should().Equal("displayName");
        payloads[4].GetProperty("changed").Strings().Should().Equal("disabled");
        payloads[4].GetProperty("disabled").GetBoolean().Should().BeTrue();
        payloads[5].GetProperty("role").GetString().Should().Be("admin");

        var text = string.Join('\n', events.Where(e => Type(e).StartsWith("member.", StringComparison.Ordinal)).Select(e => e.GetRawText()));
        text.Should().NotContain(firstPassword).And.NotContain(resetPassword).And.NotContain(initialPassword)
            .And.NotContain(firstHash).And.NotContain(resetHash)
            .And.NotContainEquivalentOf("hash").And.NotContainEquivalentOf("password\"")
            .And.NotContain(email).And.NotContain("Renamed Member");
    }

    [Fact]
    public async Task A_companys_member_changes_never_reach_another_companys_events()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        var acmeMember = await ApiFixture.AddUserAsync(owner, "isolated.acme@acme.test", "viewer");
        var betaMember = await ApiFixture.AddUserAsync(betaCeo, "isolated.beta@beta.test", "viewer");

        // Each company sees its own change once the log serves it.
        await owner.EventsUntilAsync(null, e => e.Any(x => Type(x) == "member.added" && UserId(x) == acmeMember));
        await betaCeo.EventsUntilAsync(null, e => e.Any(x => Type(x) == "member.added" && UserId(x) == betaMember));

        // By then both commits are in the log: neither company reads the other's.
        var acmeEvents = await owner.EventsAsync();
        var betaEvents = await betaCeo.EventsAsync();
        betaEvents.Should().NotContain(e => Type(e).StartsWith("member.", StringComparison.Ordinal) && UserId(e) == acmeMember);
        acmeEvents.Should().NotContain(e => Type(e).StartsWith("member.", StringComparison.Ordinal) && UserId(e) == betaMember);
        betaEvents.Where(e => Type(e).StartsWith("member.", StringComparison.Ordinal))
            .Should().OnlyContain(e => e.GetProperty("stream").GetString() == $"company:{world.Beta}");

        // Nor by asking for the other company's stream by name.
        var acmeStream = await betaCeo.EventsAsync($"company:{world.Acme}");
        acmeStream.Should().BeEmpty();
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static long? UserId(JsonElement e) =>
        e.GetProperty("payload").ValueKind == JsonValueKind.Object && e.GetProperty("payload").TryGetProperty("userId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : null;

    private async Task<string> PasswordHashAsync(long userId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT password_hash FROM users WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", userId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
