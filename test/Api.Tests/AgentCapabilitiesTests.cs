using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>GET /api/agents/{id}/capabilities: what an agent can take on, read from its profile, the org chart and its tasks.</summary>
public sealed class AgentCapabilitiesTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Capabilities_list_role_skills_tools_data_sources_limits_and_load()
    {
        using var ceo = await fixture.CeoAsync();
        var profile = new
        {
            firstName = "Cap",
            lastName = "Abel",
            role = "Data Lead",
            department = "Analytics",
            seniority = "senior",
            model = "offline",
            affinities = new[] { "forecasting", "pricing" },
            allowedTools = new[] { "rag", "sql", "web" },
            limits = new { tokensPerDay = 5000, maxCost = 12.5m, sqlSources = new[] { "warehouse" }, webDomains = new[] { "example.com" } },
        };
        var lead = (await (await ceo.PostAsJsonAsync("/api/agents", new { profile })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var analyst = await ceo.HireAsync("Ana", "Analyst", "Analytics", lead);

        // Tasks scheduled for later stay queued: the load counts them without a model run changing them meanwhile.
        var later = DateTimeOffset.UtcNow.AddDays(2);
        await ceo.CreateTaskAsync(new { title = "Forecast Q3", assigneeAgentId = lead, scheduledAt = later });
        await ceo.CreateTaskAsync(new { title = "Forecast Q4", assigneeAgentId = lead, scheduledAt = later });

        var capabilities = await (await ceo.GetAsync($"/api/agents/{lead}/capabilities")).ReadJsonAsync();
        capabilities.GetProperty("role").GetString().Should().Be("Data Lead");
        capabilities.GetProperty("department").GetString().Should().Be("Analytics");
        capabilities.GetProperty("seniority").GetString().Should().Be("senior");
        capabilities.GetProperty("skills").EnumerateArray().Select(s => s.GetString()).Should().Equal("forecasting", "pricing");
        capabilities.GetProperty("governedTools").EnumerateArray().Select(s => s.GetString()).Should().Equal("rag", "sql", "web");
        var tools = capabilities.GetProperty("tools").EnumerateArray().Select(s => s.GetString()).ToList();
        tools.Should().Contain(["delegate_task", "complete_task", "escalate", "search_knowledge", "query_sql", "fetch_web_page"]);
        capabilities.GetProperty("sqlSources").EnumerateArray().Select(s => s.GetString()).Should().Equal("warehouse");
        capabilities.GetProperty("webDomains").EnumerateArray().Select(s => s.GetString()).Should().Equal("example.com");
        capabilities.GetProperty("limits").GetProperty("tokensPerDay").GetInt64().Should().Be(5000);
        capabilities.GetProperty("limits").GetProperty("maxCost").GetDecimal().Should().Be(12.5m);
        capabilities.GetProperty("directReports").GetInt32().Should().Be(1);
        var load = capabilities.GetProperty("load");
        load.GetProperty("queued").GetInt32().Should().Be(2);
        load.GetProperty("running").GetInt32().Should().Be(0);
        load.GetProperty("tokensToday").GetInt64().Should().Be(0);

        // The analyst leads no one: no delegation tool; it holds the default tools only.
        var junior = await (await ceo.GetAsync($"/api/agents/{analyst}/capabilities")).ReadJsonAsync();
        junior.GetProperty("tools").EnumerateArray().Select(s => s.GetString()).Should().NotContain("delegate_task").And.Contain("search_knowledge").And.NotContain("query_sql");
        junior.GetProperty("load").GetProperty("queued").GetInt32().Should().Be(0);

        await fixture.WorldAsync();
        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.GetAsync($"/api/agents/{lead}/capabilities")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await ceo.GetAsync("/api/agents/987654321/capabilities")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
