using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FluidManager.Api.Tests;

/// <summary>The memory endpoints: search, add, supersede, pin, forget, and the company boundary and ACL around them.</summary>
public sealed class MemoryApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static long[] Ids(JsonElement hits) => hits.EnumerateArray().Select(h => h.GetProperty("item").GetProperty("id").GetInt64()).ToArray();

    [Fact]
    public async Task The_ceo_adds_supersedes_pins_and_forgets_items_and_search_only_returns_what_is_live()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Mem");
        var older = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory", new { kind = "fact", content = "Deployments happen on Tuesdays." }))
            .ReadJsonAsync(HttpStatusCode.Created);
        older.GetProperty("sourceKind").GetString().Should().Be("person");
        older.GetProperty("sourceActor").GetString().Should().StartWith("human:");
        var newer = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory",
            new { kind = "fact", content = "Deployments happen on Thursdays from now on.", supersedes = older.GetProperty("id").GetInt64() })).ReadJsonAsync(HttpStatusCode.Created);
        var newerId = newer.GetProperty("id").GetInt64();

        var hits = await (await ceo.GetAsync($"/api/agents/{team.Developer}/memory?q=which%20day%20are%20deployments")).ReadJsonAsync();
        Ids(hits).Should().Equal(newerId);

        var pinned = await (await ceo.PatchAsJsonAsync($"/api/agents/{team.Developer}/memory/{newerId}", new { pinned = true, expectedVersion = newer.GetProperty("version").GetInt64() })).ReadJsonAsync();
        pinned.GetProperty("pinned").GetBoolean().Should().BeTrue();
        await (await ceo.PatchAsJsonAsync($"/api/agents/{team.Developer}/memory/{newerId}", new { pinned = false, expectedVersion = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var forgotten = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory/{newerId}/forget", new { reason = "Outdated." })).ReadJsonAsync();
        forgotten.GetProperty("forgottenAt").ValueKind.Should().NotBe(JsonValueKind.Null);
        (await (await ceo.GetAsync($"/api/agents/{team.Developer}/memory?q=deployments")).ReadJsonAsync()).GetArrayLength().Should().Be(0);
        Ids(await (await ceo.GetAsync($"/api/agents/{team.Developer}/memory?includeInactive=true")).ReadJsonAsync()).Should().BeEquivalentTo([older.GetProperty("id").GetInt64(), newerId]);
        (await ceo.EventsUntilAsync($"agent:{team.Developer}", e => e.Has("memory.forgotten"))).Should().Contain(e => e.GetProperty("type").GetString() == "memory.superseded");
    }

    [Fact]
    public async Task Reading_as_another_departments_agent_is_403_and_recorded_while_a_manager_up_the_chart_may_read()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Acl");
        var item = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory", new { kind = "lesson", content = "Run the migrations before the tests." }))
            .ReadJsonAsync(HttpStatusCode.Created);

        Ids(await (await ceo.GetAsync($"/api/agents/{team.Developer}/memory?asAgentId={team.Cto}")).ReadJsonAsync()).Should().Contain(item.GetProperty("id").GetInt64());
        var denied = await (await ceo.GetAsync($"/api/agents/{team.Developer}/memory?q=migrations&asAgentId={team.Sales}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        denied.GetProperty("rule").GetString().Should().Be("memory:agent_and_managers_only");
        var events = await ceo.EventsUntilAsync(null, e => e.Any(x => x.GetProperty("type").GetString() == "policy.denied"
            && x.GetProperty("payload").GetProperty("action").GetString() == "memory.read" && x.GetProperty("payload").GetProperty("fromAgentId").GetInt64() == team.Sales));
        events.Should().NotBeEmpty();

        // The developer's manager may forget; the CTO two levels up may read but not change it.
        await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory/{item.GetProperty("id").GetInt64()}/forget", new { asAgentId = team.Cto }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        (await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/memory/{item.GetProperty("id").GetInt64()}/forget", new { asAgentId = team.Manager })).ReadJsonAsync())
            .GetProperty("forgottenBy").GetString().Should().Be($"agent:{team.Manager}");
    }

    [Fact]
    public async Task Another_company_gets_404_and_bad_input_names_the_field()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var agent = await ceo.HireAsync("Keeper", "Analyst", "Finance");
        var item = (await (await ceo.PostAsJsonAsync($"/api/agents/{agent}/memory", new { content = "The fiscal year starts in April." })).ReadJsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetInt64();

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password, world.Beta);
        await (await beta.GetAsync($"/api/agents/{agent}/memory")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await beta.GetAsync($"/api/agents/{agent}/memory/{item}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await beta.PostAsJsonAsync($"/api/agents/{agent}/memory/{item}/forget", new { })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        (await (await ceo.GetAsync($"/api/agents/{agent}/memory/{item}")).ReadJsonAsync()).GetProperty("forgottenAt").ValueKind.Should().Be(JsonValueKind.Null);

        var kind = await (await ceo.GetAsync($"/api/agents/{agent}/memory?kind=dream")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        kind.GetProperty("errors").TryGetProperty("kind", out _).Should().BeTrue();
        var empty = await (await ceo.PostAsJsonAsync($"/api/agents/{agent}/memory", new { content = "  " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        empty.GetProperty("errors").TryGetProperty("content", out _).Should().BeTrue();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        (await viewer.PostAsJsonAsync($"/api/agents/{agent}/memory", new { content = "Viewers cannot write." })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
