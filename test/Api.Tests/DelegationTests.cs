using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>Commands that act as an agent: the hierarchy policy judges them as the agent's own.</summary>
public sealed class DelegationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_agent_delegates_part_of_its_mission_to_a_direct_report()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Ok");
        var mission = (await ceo.CreateTaskAsync("Mission", team.Cto)).GetProperty("id").GetInt64();

        var response = await ceo.PostAsJsonAsync($"/api/agents/{team.Cto}/delegate", new { toAgentId = team.Manager, title = "Plan it", parentTaskId = mission, priority = "high" });
        var subtask = await response.ReadJsonAsync(HttpStatusCode.Created);
        subtask.GetProperty("createdBy").GetString().Should().Be($"agent:{team.Cto}");
        subtask.GetProperty("assigneeAgentId").GetInt64().Should().Be(team.Manager);
        subtask.GetProperty("parentTaskId").GetInt64().Should().Be(mission);
        subtask.GetProperty("project").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);

        var delegated = (await ceo.EventsUntilAsync($"agent:{team.Cto}", e => e.Has("agent.delegated"))).Single(e => e.GetProperty("type").GetString() == "agent.delegated");
        delegated.GetProperty("actor").GetString().Should().Be($"agent:{team.Cto}");
        (await (await ceo.GetAsync($"/api/policies/can-assign?from={team.Cto}&to={team.Manager}")).ReadJsonAsync()).GetProperty("allowed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_forbidden_delegation_answers_403_with_the_rule_writes_nothing_and_records_the_denial()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("No");
        var tasksBefore = (await (await ceo.GetAsync("/api/tasks?limit=500")).ReadJsonAsync()).GetProperty("items").GetArrayLength();

        var sales = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Sales}/delegate", new { toAgentId = team.Developer, title = "Build my feature" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        sales.GetProperty("rule").GetString().Should().Be("role:sales-never-above-engineering");
        var upward = await (await ceo.PostAsJsonAsync($"/api/agents/{team.Developer}/delegate", new { toAgentId = team.Cto, title = "Review my code" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        upward.GetProperty("rule").GetString().Should().Be("delegation:direct-subordinates-only");
        var skipLevel = await (await ceo.GetAsync($"/api/policies/can-assign?from={team.Cto}&to={team.Developer}")).ReadJsonAsync();
        skipLevel.GetProperty("allowed").GetBoolean().Should().BeFalse();
        skipLevel.GetProperty("rule").GetString().Should().Be("delegation:direct-subordinates-only");

        (await (await ceo.GetAsync("/api/tasks?limit=500")).ReadJsonAsync()).GetProperty("items").GetArrayLength().Should().Be(tasksBefore);
        var company = await ceo.EventsUntilAsync(null, e => e.Count(x => x.GetProperty("type").GetString() == "policy.denied" && new[] { team.Developer, team.Cto }.Contains(x.GetProperty("payload").GetProperty("toAgentId").GetInt64())) == 2);
        var denials = company.Where(e => e.GetProperty("type").GetString() == "policy.denied").TakeLast(2).ToList();
        denials[0].GetProperty("actor").GetString().Should().Be($"agent:{team.Sales}");
        denials[0].GetProperty("payload").GetProperty("rule").GetString().Should().Be("role:sales-never-above-engineering");
        denials[1].GetProperty("actor").GetString().Should().Be($"agent:{team.Developer}");

        // The refused turns left nothing: no task, no delegation, no assignment.
        string[] refusedTitles = ["Build my feature", "Review my code"];
        company.Where(e => e.GetProperty("type").GetString() == "task.created")
            .Select(e => e.GetProperty("payload").GetProperty("task").GetProperty("title").GetString())
            .Should().NotIntersectWith(refusedTitles);
        (await ceo.EventsAsync($"agent:{team.Sales}")).Should().NotContain(e => e.GetProperty("type").GetString() == "agent.delegated");
        (await ceo.EventsAsync($"agent:{team.Developer}")).Should().NotContain(e => e.GetProperty("type").GetString() == "agent.delegated");
    }

    [Fact]
    public async Task Placing_an_agent_against_a_role_rule_answers_403_and_leaves_the_chart_as_it_was()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Org");
        var before = await ceo.GetAsync("/api/org/edges");
        var chart = await before.ReadJsonAsync();

        var move = await (await ceo.PostAsJsonAsync("/api/org/move", new { agentId = team.Developer, newManagerAgentId = team.Sales }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        move.GetProperty("rule").GetString().Should().Be("role:sales-never-above-engineering");
        var hire = await (await ceo.PostAsJsonAsync("/api/agents", new { profile = CompanyClient.Profile("Junior", "Developer", "Engineering"), managerAgentId = team.Sales }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        hire.GetProperty("rule").GetString().Should().Be("role:sales-never-above-engineering");
        await (await ceo.PostAsJsonAsync("/api/org/move", new { agentId = team.Cto, newManagerAgentId = team.Developer })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "org.cycle");

        var after = await (await ceo.GetAsync("/api/org/edges")).ReadJsonAsync();
        after.GetProperty("version").GetInt64().Should().Be(chart.GetProperty("version").GetInt64());
        after.GetProperty("edges").GetArrayLength().Should().Be(chart.GetProperty("edges").GetArrayLength());
        (await (await ceo.GetAsync("/api/agents")).ReadJsonAsync()).EnumerateArray()
            .Should().NotContain(a => a.GetProperty("profile").GetProperty("firstName").GetString() == "Junior");
    }

    [Fact]
    public async Task The_chart_is_a_tree_with_the_ceo_seat_on_top_and_moves_need_the_current_version()
    {
        using var ceo = await fixture.CeoAsync();
        var team = await ceo.HireTeamAsync("Tree");
        var response = await ceo.GetAsync("/api/org/chart");
        var tree = await response.ReadJsonAsync();
        var root = tree.GetProperty("root");
        root.GetProperty("kind").GetString().Should().Be("ceo");
        root.GetProperty("level").GetInt32().Should().Be(tree.GetProperty("levels").GetInt32() - 1);
        var cto = root.GetProperty("reports").EnumerateArray().Single(n => n.GetProperty("agentId").GetInt64() == team.Cto);
        cto.GetProperty("level").GetInt32().Should().Be(root.GetProperty("level").GetInt32() - 1);
        var manager = cto.GetProperty("reports")[0];
        manager.GetProperty("agentId").GetInt64().Should().Be(team.Manager);
        manager.GetProperty("reports")[0].GetProperty("agentId").GetInt64().Should().Be(team.Developer);
        manager.GetProperty("reports")[0].GetProperty("role").GetString().Should().Be("Developer");

        var stale = new HttpRequestMessage(HttpMethod.Post, "/api/org/move") { Content = JsonContent.Create(new { agentId = team.Developer, newManagerAgentId = team.Cto }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await ceo.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version_mismatch");
        var current = new HttpRequestMessage(HttpMethod.Post, "/api/org/move") { Content = JsonContent.Create(new { agentId = team.Developer, newManagerAgentId = team.Cto }) };
        current.Headers.IfMatch.Add(response.Headers.ETag!);
        (await ceo.SendAsync(current)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await ceo.GetAsync($"/api/agents/{team.Developer}")).ReadJsonAsync()).GetProperty("managerAgentId").GetInt64().Should().Be(team.Cto);

        await (await ceo.PostAsJsonAsync("/api/org/edges", new { managerAgentId = team.Cto })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task An_escalation_to_the_ceo_reaches_the_inbox_and_is_resolved_once()
    {
        using var ceo = await fixture.CeoAsync();
        var top = await ceo.HireAsync("Top", "CFO", "Finance");
        var escalation = await (await ceo.PostAsJsonAsync($"/api/agents/{top}/escalate", new { subject = "Budget is gone", body = "Need a decision." })).ReadJsonAsync(HttpStatusCode.Created);
        escalation.GetProperty("toAgentId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        var id = escalation.GetProperty("id").GetInt64();

        var inbox = await (await ceo.GetAsync("/api/inbox/escalations")).ReadJsonAsync();
        inbox.EnumerateArray().Should().Contain(e => e.GetProperty("id").GetInt64() == id);
        var resolved = await (await ceo.PostAsJsonAsync($"/api/inbox/escalations/{id}/resolve", new { resolution = "Cut the ads" })).ReadJsonAsync();
        resolved.GetProperty("open").GetBoolean().Should().BeFalse();
        await (await ceo.PostAsJsonAsync($"/api/inbox/escalations/{id}/resolve", new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "escalation.resolved");
        await (await ceo.PostAsJsonAsync($"/api/agents/{top}/escalate", new { body = "no subject" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }
}
