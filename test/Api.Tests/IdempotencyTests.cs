using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

public sealed class IdempotencyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
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
