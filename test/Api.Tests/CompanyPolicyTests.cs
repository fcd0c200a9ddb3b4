using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FluidManager.Api.Tests;

/// <summary>
/// The company's governance settings over HTTP: allowed models within the server's list (checked when an agent
/// is hired or changes model, flagged when a list drops it), budgets, default limits, the web quota, and how the
/// CEO's own assignments travel down the chart.
/// </summary>
public sealed class CompanyPolicyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_model_outside_the_allowed_lists_is_refused_on_hire_and_change_naming_the_field_and_a_dropped_model_leaves_its_agents_flagged()
    {
        using var ceo = await fixture.CeoAsync();
        await SetPolicyAsync(ceo, new { allowedModels = Array.Empty<string>() });

        var outsideServer = await (await ceo.PostAsJsonAsync("/api/agents", new { profile = Profile("Olga", "openai:gpt-4o") }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        outsideServer.GetProperty("errors").GetProperty("profile.model")[0].GetString().Should().Contain("server's allowed models");

        var widening = await (await ceo.PutAsJsonAsync("/api/company-policy", new { allowedModels = new[] { "offline", "openai:*" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        widening.GetProperty("errors").GetProperty("allowedModels")[0].GetString().Should().Contain("'openai:*' is outside the server's allowed models");

        var policy = await SetPolicyAsync(ceo, new { allowedModels = new[] { "offline", "scripted:*" } });
        policy.GetProperty("serverAllowedModels").Strings().Should().Equal("offline", "scripted:*");
        var scripted = await HireAsync(ceo, Profile("Sven", "scripted:launch"));
        policy.GetProperty("flaggedAgents").GetArrayLength().Should().Be(0);

        policy = await SetPolicyAsync(ceo, new { allowedModels = new[] { "offline" } });
        var flagged = policy.GetProperty("flaggedAgents").EnumerateArray().Single(a => a.GetProperty("agentId").GetInt64() == scripted);
        flagged.GetProperty("model").GetString().Should().Be("scripted:launch");
        flagged.GetProperty("reason").GetString().Should().Contain("company's allowed models");
        var read = await (await ceo.GetAsync("/api/company-policy")).ReadJsonAsync();
        read.GetProperty("flaggedAgents").EnumerateArray().Select(a => a.GetProperty("agentId").GetInt64()).Should().Contain(scripted);

        var hire = await (await ceo.PostAsJsonAsync("/api/agents", new { profile = Profile("Sana", "scripted:other") }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        hire.GetProperty("errors").GetProperty("profile.model")[0].GetString().Should().Contain("company's allowed models (offline)");

        // The flagged agent keeps working and can still be edited; only a change of model is checked.
        var kept = await (await ceo.PutAsJsonAsync($"/api/agents/{scripted}", new { profile = Profile("Sven", "scripted:launch", bio: "Still here.") })).ReadJsonAsync();
        kept.GetProperty("profile").GetProperty("bio").GetString().Should().Be("Still here.");
        var change = await (await ceo.PutAsJsonAsync($"/api/agents/{scripted}", new { profile = Profile("Sven", "scripted:next") }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        change.GetProperty("errors").TryGetProperty("profile.model", out _).Should().BeTrue();
        (await (await ceo.PutAsJsonAsync($"/api/agents/{scripted}", new { profile = Profile("Sven", "offline") })).ReadJsonAsync())
            .GetProperty("profile").GetProperty("model").GetString().Should().Be("offline");
        (await (await ceo.GetAsync("/api/company-policy")).ReadJsonAsync()).GetProperty("flaggedAgents").EnumerateArray()
            .Select(a => a.GetProperty("agentId").GetInt64()).Should().NotContain(scripted);
    }

    [Fact]
    public async Task Budgets_default_limits_and_the_web_quota_are_stored_versioned_and_bad_values_name_their_field()
    {
        using var ceo = await fixture.CeoAsync();
        var bad = await (await ceo.PutAsJsonAsync("/api/company-policy", new
        {
            monthlyBudgetUsd = -1,
            monthlyTokenLimit = -5,
            defaultAgentLimits = new { tokensPerDay = 500, tokensPerMonth = 100 },
            webDailyQuota = -1,
        })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should()
            .Contain(["monthlyBudgetUsd", "monthlyTokenLimit", "defaultAgentLimits.tokensPerDay", "webDailyQuota"]);
        var unknown = await (await ceo.PutAsJsonAsync("/api/company-policy", new { ceoAssignment = "anywhere" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        unknown.GetProperty("errors").TryGetProperty("ceoAssignment", out _).Should().BeTrue();

        var before = await ceo.GetAsync("/api/company-policy");
        var etag = before.Headers.ETag!;
        var set = new HttpRequestMessage(HttpMethod.Put, "/api/company-policy")
        {
            Content = JsonContent.Create(new
            {
                monthlyBudgetUsd = 250.5m,
                monthlyTokenLimit = 2_000_000,
                defaultAgentLimits = new { tokensPerDay = 5000, tokensPerMonth = 90000, maxCost = 12.5m },
                webDailyQuota = 40,
                ceoAssignment = "follow_hierarchy",
            }),
        };
        set.Headers.IfMatch.Add(etag);
        var policy = await (await ceo.SendAsync(set)).ReadJsonAsync();
        policy.GetProperty("monthlyBudgetUsd").GetDecimal().Should().Be(250.5m);
        policy.GetProperty("monthlyTokenLimit").GetInt64().Should().Be(2_000_000);
        policy.GetProperty("webDailyQuota").GetInt32().Should().Be(40);
        policy.GetProperty("defaultAgentLimits").GetProperty("maxCost").GetDecimal().Should().Be(12.5m);

        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/company-policy") { Content = JsonContent.Create(new { webDailyQuota = 1 }) };
        stale.Headers.IfMatch.Add(etag);
        await (await ceo.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version_mismatch");

        // The USD budget is the one the spend checks use.
        (await (await ceo.GetAsync("/api/costs/budget")).ReadJsonAsync()).GetProperty("monthlyLimit").GetDecimal().Should().Be(250.5m);
        // Other tests change this company's policy too: wait for the event of this change.
        static bool ThisChange(JsonElement e) => e.GetProperty("type").GetString() == "company.policy_changed"
            && e.GetProperty("payload").TryGetProperty("monthlyTokenLimit", out var tokens) && tokens.ValueKind == JsonValueKind.Number && tokens.GetInt64() == 2_000_000;
        var events = await ceo.EventsUntilAsync(null, e => e.Any(ThisChange));
        events.Last(ThisChange).GetProperty("payload").GetProperty("webDailyQuota").GetInt32().Should().Be(40);

        // A new agent takes the defaults for the limits its profile leaves unset.
        var agent = await HireAsync(ceo, new
        {
            firstName = "Dora",
            lastName = "Default",
            role = "Analyst",
            department = "Finance",
            model = "offline",
            limits = new { tokensPerDay = 100 },
        });
        var limits = (await (await ceo.GetAsync($"/api/agents/{agent}")).ReadJsonAsync()).GetProperty("profile").GetProperty("limits");
        limits.GetProperty("tokensPerDay").GetInt64().Should().Be(100);
        limits.GetProperty("tokensPerMonth").GetInt64().Should().Be(90000);
        limits.GetProperty("maxCost").GetDecimal().Should().Be(12.5m);
    }

    [Fact]
    public async Task A_viewer_reads_the_policy_but_may_not_change_it_and_another_company_never_sees_it()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        await SetPolicyAsync(ceo, new { webDailyQuota = 7 });
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        (await (await viewer.GetAsync("/api/company-policy")).ReadJsonAsync()).GetProperty("webDailyQuota").GetInt32().Should().Be(7);
        await (await viewer.PutAsJsonAsync("/api/company-policy", new { webDailyQuota = 8 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        var theirs = await (await beta.GetAsync("/api/company-policy")).ReadJsonAsync();
        theirs.GetProperty("companyId").GetInt64().Should().Be(world.Beta);
        theirs.TryGetProperty("webDailyQuota", out var quota).Should().BeTrue();
        quota.ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_task_the_ceo_gives_three_levels_down_is_routed_through_the_chain_with_each_hop_checked_or_goes_straight_there_when_direct()
    {
        using var ceo = await fixture.CeoAsync();
        await SetPolicyAsync(ceo, new { ceoAssignment = "follow_hierarchy" });
        var tag = Guid.NewGuid().ToString("N")[..6];
        var cto = await ceo.HireAsync("Cto" + tag, "CTO", "Engineering");
        var lead = await ceo.HireAsync("Lead" + tag, "Lead" + tag, "Engineering", cto);
        var developer = await ceo.HireAsync("Dev" + tag, "Dev" + tag, "Engineering", lead);

        var routed = await ceo.CreateTaskAsync("Fix the login page " + tag, developer);
        var id = routed.GetProperty("id").GetInt64();
        routed.GetProperty("assigneeAgentId").GetInt64().Should().Be(cto);
        routed.GetProperty("description").GetString().Should().Contain("to delegate down");
        var events = await ceo.EventsUntilAsync($"task:{id}", e => e.Has("task.routed"));
        var route = events.Single(e => e.GetProperty("type").GetString() == "task.routed").GetProperty("payload");
        route.GetProperty("path").EnumerateArray().Select(p => p.GetInt64()).Should().Equal(cto, lead, developer);
        route.GetProperty("targetAgentId").GetInt64().Should().Be(developer);

        // A direct report of the CEO seat takes the task itself.
        (await ceo.CreateTaskAsync("Plan the quarter " + tag, cto)).GetProperty("assigneeAgentId").GetInt64().Should().Be(cto);

        // Every hop is checked: a rule that forbids lead → developer refuses the route, and nothing is created.
        var rule = await (await ceo.PostAsJsonAsync("/api/policies/rules", new
        {
            name = "no-lead-to-dev-" + tag,
            kind = "role_separation",
            roleSeparation = new { upper = new { roles = new[] { "Lead" + tag } }, lower = new { roles = new[] { "Dev" + tag } }, reason = "Kept apart for the test." },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var refused = await (await ceo.PostAsJsonAsync("/api/tasks", new { title = "Refused " + tag, assigneeAgentId = developer }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        refused.GetProperty("rule").GetString().Should().Contain("no-lead-to-dev-" + tag);
        refused.GetProperty("detail").GetString().Should().Contain("Lead" + tag).And.Contain("Dev" + tag);
        var tasks = await (await ceo.GetAsync("/api/tasks?q=" + Uri.EscapeDataString("Refused " + tag))).ReadJsonAsync();
        tasks.GetProperty("items").GetArrayLength().Should().Be(0);
        (await ceo.DeleteAsync($"/api/policies/rules/{rule.GetProperty("id").GetInt64()}")).IsSuccessStatusCode.Should().BeTrue();

        // With direct assignment allowed, the task goes straight to the developer.
        await SetPolicyAsync(ceo, new { ceoAssignment = "direct" });
        try
        {
            var direct = await ceo.CreateTaskAsync("Direct " + tag, developer);
            direct.GetProperty("assigneeAgentId").GetInt64().Should().Be(developer);
            var directEvents = await ceo.EventsUntilAsync($"task:{direct.GetProperty("id").GetInt64()}", e => e.Has("task.assigned"));
            directEvents.Has("task.routed").Should().BeFalse();
        }
        finally
        {
            await SetPolicyAsync(ceo, new { ceoAssignment = "follow_hierarchy" });
        }
    }

    private static object Profile(string firstName, string model, string bio = "") => new
    {
        firstName,
        lastName = "Policy",
        role = "Developer",
        department = "Engineering",
        model,
        bio,
    };

    private static async Task<long> HireAsync(HttpClient client, object profile) =>
        (await (await client.PostAsJsonAsync("/api/agents", new { profile })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

    private static async Task<JsonElement> SetPolicyAsync(HttpClient client, object policy) =>
        await (await client.PutAsJsonAsync("/api/company-policy", policy)).ReadJsonAsync();
}
