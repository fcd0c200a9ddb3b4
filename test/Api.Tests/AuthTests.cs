using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

public sealed class AuthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Bootstrap_owner_signs_in_with_a_cookie_and_reads_their_session()
    {
        using var client = fixture.Anonymous();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = ApiFixture.OwnerEmail, password = ApiFixture.OwnerPassword });
        var session = await login.ReadJsonAsync();
        session.GetProperty("role").GetString().Should().Be("ceo");
        session.GetProperty("company").GetProperty("name").GetString().Should().Be("Acme");

        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fluid.session=", StringComparison.Ordinal));
        cookie.Should().Contain("httponly").And.Contain("samesite=strict");

        var me = await (await client.GetAsync("/api/auth/me")).ReadJsonAsync();
        me.GetProperty("user").GetProperty("email").GetString().Should().Be(ApiFixture.OwnerEmail);
        me.GetProperty("authentication").GetString().Should().Be("cookie");
        me.GetProperty("companies").EnumerateArray().Should().Contain(c => c.GetProperty("name").GetString() == "Acme");
    }

    [Theory]
    [InlineData(ApiFixture.OwnerEmail, "not-the-password")]
    [InlineData("nobody@fluid.local", ApiFixture.OwnerPassword)]
    public async Task Login_with_a_wrong_email_or_password_answers_401_problem(string email, string password)
    {
        using var client = fixture.Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
        (await client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_without_email_answers_400_naming_the_field()
    {
        using var client = fixture.Anonymous();
        var problem = await (await client.PostAsJsonAsync("/api/auth/login", new { password = "x" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").TryGetProperty("email", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Login_attempts_beyond_the_limit_answer_429_with_retry_after()
    {
        using var client = fixture.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "guesser@fluid.local", password = $"guess-{i}" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
                response.Headers.RetryAfter.Should().NotBeNull();
            }
        }

        statuses.Take(10).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        statuses[10].Should().Be(HttpStatusCode.TooManyRequests);

        // Another address is not held back by the guesser.
        using var owner = await fixture.OwnerAsync();
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        using var client = await fixture.OwnerAsync();
        (await client.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await client.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Switch_moves_the_session_into_another_company_of_the_user_and_refuses_foreign_ones()
    {
        var world = await fixture.WorldAsync();
        using var owner = await fixture.OwnerAsync();
        var switched = await (await owner.PostAsJsonAsync("/api/auth/switch", new { companyId = world.Beta })).ReadJsonAsync();
        switched.GetProperty("company").GetProperty("id").GetInt64().Should().Be(world.Beta);
        (await (await owner.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("company").GetProperty("name").GetString().Should().Be("Beta");

        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await betaCeo.PostAsJsonAsync("/api/auth/switch", new { companyId = world.Acme })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        (await (await betaCeo.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("company").GetProperty("id").GetInt64().Should().Be(world.Beta);
    }

    [Fact]
    public async Task Login_into_a_company_the_user_does_not_belong_to_answers_404()
    {
        var world = await fixture.WorldAsync();
        using var client = fixture.Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = World.BetaCeoEmail, password = ApiFixture.Password, companyId = world.Acme });
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_takes_effect_at_once()
    {
        using var owner = await fixture.OwnerAsync();
        await ApiFixture.AddUserAsync(owner, "changer@acme.test", "viewer");
        using var changer = await fixture.SignInAsync("changer@acme.test", ApiFixture.Password);

        var wrong = await changer.PostAsJsonAsync("/api/auth/password", new { currentPassword = "wrong", newPassword = "a brand new password" });
        (await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("errors").TryGetProperty("currentPassword", out _).Should().BeTrue();
        (await changer.PostAsJsonAsync("/api/auth/password", new { currentPassword = ApiFixture.Password, newPassword = "a brand new password" }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var anonymous = fixture.Anonymous();
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "changer@acme.test", password = ApiFixture.Password })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var again = await fixture.SignInAsync("changer@acme.test", "a brand new password");
    }

    [Fact]
    public async Task A_removed_member_is_signed_out_at_their_next_request()
    {
        using var owner = await fixture.OwnerAsync();
        var id = await ApiFixture.AddUserAsync(owner, "leaver@acme.test", "viewer");
        using var leaver = await fixture.SignInAsync("leaver@acme.test", ApiFixture.Password);
        (await leaver.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await owner.DeleteAsync($"/api/users/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await leaver.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_role_change_applies_to_an_existing_session()
    {
        using var owner = await fixture.OwnerAsync();
        var id = await ApiFixture.AddUserAsync(owner, "promoted@acme.test", "viewer");
        using var promoted = await fixture.SignInAsync("promoted@acme.test", ApiFixture.Password);
        (await promoted.GetAsync("/api/users")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        (await owner.PatchAsJsonAsync($"/api/users/{id}", new { role = "admin" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await promoted.GetAsync("/api/users")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
