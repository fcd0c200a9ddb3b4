using System.Net;
using FluidManager.Api.Features;
using FluidManager.Grains.Interfaces.Agents;

namespace FluidManager.Api.Tests;

public sealed class MissionsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Suggest_assignee_names_the_direct_report_whose_department_matches_the_mission()
    {
        using var ceo = await fixture.CeoAsync();
        var tag = $"zy{Guid.NewGuid():N}"[..10];
        var lead = await ceo.HireAsync("Lead", "Head", tag);
        var below = await ceo.HireAsync("Below", "Specialist", tag, lead);

        var answer = await (await ceo.GetAsync($"/api/missions/suggest-assignee?title=Plan%20the%20{tag}%20launch&description=Ship%20it")).ReadJsonAsync();

        answer.GetProperty("suggestedAgentId").GetInt64().Should().Be(lead);
        answer.GetProperty("reason").GetString().Should().Contain(tag);
        var candidates = answer.GetProperty("candidates").EnumerateArray().ToList();
        candidates[0].GetProperty("matches").Strings().Should().Contain(tag);
        candidates.Select(c => c.GetProperty("agentId").GetInt64()).Should().NotContain(below, "only the CEO's direct reports take missions");
    }

    [Fact]
    public async Task Suggest_assignee_without_words_answers_400_naming_the_field()
    {
        using var ceo = await fixture.CeoAsync();
        var problem = await (await ceo.GetAsync("/api/missions/suggest-assignee?title=%20")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").TryGetProperty("title", out _).Should().BeTrue();
    }

    [Fact]
    public void Ranking_prefers_matching_words_then_fewer_open_tasks()
    {
        var cto = Agent(1, "CTO", "Engineering", ["architecture"]);
        var cmo = Agent(2, "CMO", "Marketing", ["launches", "brand"]);
        var cfo = Agent(3, "CFO", "Finance", []);

        var launch = MissionRouting.Suggest("Prepare the marketing launch of version 2", [cto, cmo, cfo], new Dictionary<long, int>());
        launch.SuggestedAgentId.Should().Be(2);
        launch.Candidates[0].Matches.Should().Contain(["marketing", "launches"]);

        var vague = MissionRouting.Suggest("Do something", [cto, cmo, cfo], new Dictionary<long, int> { [1] = 4, [2] = 2, [3] = 1 });
        vague.SuggestedAgentId.Should().Be(3);
        vague.Reason.Should().Contain("fewest open tasks");

        MissionRouting.Suggest("Anything", [], new Dictionary<long, int>()).SuggestedAgentId.Should().BeNull();
    }

    private static AgentDto Agent(long id, string role, string department, string[] affinities) => new(
        id,
        1,
        new AgentProfile { FirstName = role, LastName = "Test", Role = role, Department = department, Model = "offline", Affinities = affinities },
        AgentStatus.Active,
        null,
        null,
        true,
        1,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch);
}
