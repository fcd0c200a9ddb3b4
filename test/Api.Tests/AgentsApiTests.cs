using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

public sealed class AgentsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_agent_is_hired_read_with_its_etag_and_updated_with_if_match()
    {
        using var ceo = await fixture.CeoAsync();
        var id = await ceo.HireAsync("Grace", "CTO", "Engineering");
        var get = await ceo.GetAsync($"/api/agents/{id}");
        var agent = await get.ReadJsonAsync();
        agent.GetProperty("profile").GetProperty("seniority").GetString().Should().Be("mid");
        agent.GetProperty("reportsToCeo").GetBoolean().Should().BeTrue();
        agent.GetProperty("status").GetString().Should().Be("active");

        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/agents/{id}")
        {
            Content = JsonContent.Create(new { profile = CompanyClient.Profile("Grace", "CTO", "Engineering") }),
        };
        update.Headers.IfMatch.Add(get.Headers.ETag!);
        (await ceo.SendAsync(update)).StatusCode.Should().Be(HttpStatusCode.OK);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/agents/{id}/status") { Content = JsonContent.Create(new { status = "paused" }) };
        stale.Headers.IfMatch.Add(get.Headers.ETag!);
        await (await ceo.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version_mismatch");

        var paused = await (await ceo.PutAsJsonAsync($"/api/agents/{id}/status", new { status = "paused" })).ReadJsonAsync();
        paused.GetProperty("status").GetString().Should().Be("paused");
        var listed = await (await ceo.GetAsync("/api/agents?status=paused")).ReadJsonAsync();
        listed.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Should().Contain(id);
    }

    [Fact]
    public async Task Invalid_agent_bodies_answer_400_naming_the_fields_in_camel_case()
    {
        using var ceo = await fixture.CeoAsync();
        var empty = await (await ceo.PostAsJsonAsync("/api/agents", new { profile = new { firstName = "Solo" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        empty.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Contain(["profile.lastName", "profile.role", "profile.department", "profile.model"]);

        var tools = await (await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "A", lastName = "B", role = "Developer", department = "Engineering", model = "offline", allowedTools = new[] { "teleport" } },
        })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        tools.GetProperty("errors").TryGetProperty("profile.allowedTools", out _).Should().BeTrue();

        var seniority = await (await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "A", lastName = "B", role = "Developer", department = "Engineering", model = "offline", seniority = "boss" },
        })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        seniority.GetProperty("errors").TryGetProperty("profile.seniority", out _).Should().BeTrue();

        var noProfile = await (await ceo.PostAsJsonAsync("/api/agents", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        noProfile.GetProperty("errors").TryGetProperty("profile", out _).Should().BeTrue();

        var status = await (await ceo.PutAsJsonAsync($"/api/agents/{await ceo.HireAsync("Nemo", "Developer", "Engineering")}/status", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        status.GetProperty("errors").TryGetProperty("status", out _).Should().BeTrue();
    }

    [Fact]
    public async Task An_avatar_is_stored_as_an_artifact_and_served_back()
    {
        using var ceo = await fixture.CeoAsync();
        var id = await ceo.HireAsync("Pic", "Designer", "Marketing");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5];
        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(png);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "file", "me.png");
        var agent = await (await ceo.PutAsync($"/api/agents/{id}/avatar", form)).ReadJsonAsync();
        var avatarId = agent.GetProperty("avatarArtifactId").GetInt64();

        var artifacts = await (await ceo.GetAsync($"/api/agents/{id}/artifacts")).ReadJsonAsync();
        artifacts.EnumerateArray().Should().Contain(a => a.GetProperty("id").GetInt64() == avatarId && a.GetProperty("kind").GetString() == "avatar");
        var served = await ceo.GetAsync($"/api/agents/{id}/avatar");
        served.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        (await served.Content.ReadAsByteArrayAsync()).Should().Equal(png);

        using var text = new MultipartFormDataContent { { new StringContent("not an image"), "file", "me.txt" } };
        var refused = await (await ceo.PutAsync($"/api/agents/{id}/avatar", text)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        refused.GetProperty("errors").TryGetProperty("image.contentType", out _).Should().BeTrue();

        var other = await ceo.HireAsync("NoPic", "Designer", "Marketing");
        await (await ceo.GetAsync($"/api/agents/{other}/avatar")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_agent_with_reports_cannot_be_deleted_and_another_companys_agent_is_404()
    {
        await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Del");
        await (await ceo.DeleteAsync($"/api/agents/{team.Cto}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "agent.has_reports");
        (await ceo.DeleteAsync($"/api/agents/{team.Sales}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await ceo.GetAsync($"/api/agents/{team.Sales}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.GetAsync($"/api/agents/{team.Cto}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await beta.PostAsJsonAsync($"/api/agents/{team.Cto}/delegate", new { toAgentId = team.Manager, title = "x" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.PostAsJsonAsync("/api/agents", new { profile = CompanyClient.Profile("Spy", "Developer", "Engineering"), managerAgentId = team.Cto }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
