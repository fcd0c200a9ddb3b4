using System.Net;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Meetings.Tests;

/// <summary>Meetings feed memory: decisions become facts of the agents that took part, calls to action facts of their owners.</summary>
public sealed class MeetingMemoryTests(MeetingsFixture fixture) : IClassFixture<MeetingsFixture>
{
    [Fact]
    public async Task A_meetings_decisions_and_calls_to_action_become_facts_of_their_agents_with_the_meeting_as_source()
    {
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering");
        var manager = await fixture.HireAsync("Grace", "Engineering Manager", "Engineering", cto);
        var developer = await fixture.HireAsync("Linus", "Frontend Developer", "Engineering", manager);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing");
        var sales = await fixture.HireAsync("Sam", "Head of Sales", "Sales");

        var meeting = await fixture.PostAsync("/api/meetings", new
        {
            title = "Q4 launch",
            goal = "agree on the launch plan",
            agenda = new[] { "Launch date", "Campaign", "Customer pilots" },
            participantAgentIds = new[] { cto, cmo, sales },
            maxRounds = 1,
        }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{id}/start", null);
        (await fixture.WaitForMeetingAsync(id, ["completed", "failed"])).GetProperty("status").GetString().Should().Be("completed");
        var minutes = await fixture.GetAsync($"/api/meetings/{id}/minutes");
        var decisions = minutes.GetProperty("decisions").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetProperty("text").GetString()!).ToList();
        var ownedByDeveloper = minutes.GetProperty("callsToAction").EnumerateArray().Where(c => c.GetProperty("ownerAgentId").GetInt64() == developer).ToList();

        // The facts reach each agent's memory as messages, applied in the memory grain's turns after the minutes commit.
        static bool Decided(JsonElement fact) => fact.GetProperty("content").GetString()!.Contains(" decided: ", StringComparison.Ordinal);
        foreach (var participant in new[] { cto, cmo, sales })
        {
            var facts = await Eventually.WaitAsync(
                async () => (await fixture.GetAsync($"/api/agents/{participant}/memory?kind=fact&limit=200")).EnumerateArray().Select(h => h.GetProperty("item")).ToList(),
                f => f.Count(Decided) >= decisions.Count, Patience, $"the decisions as facts of agent {participant}");
            facts.Should().OnlyContain(f => f.GetProperty("sourceKind").GetString() == "meeting" && f.GetProperty("sourceMeetingId").GetInt64() == id);
            facts.Where(Decided).Should().HaveCount(decisions.Count);
        }

        ownedByDeveloper.Should().NotBeEmpty();
        var developerFacts = await Eventually.WaitAsync(
            async () => (await fixture.GetAsync($"/api/agents/{developer}/memory?kind=fact")).EnumerateArray().Select(h => h.GetProperty("item").GetProperty("content").GetString()!).ToList(),
            f => f.Count >= ownedByDeveloper.Count, Patience, "the calls to action as facts of the developer");
        developerFacts.Should().HaveCount(ownedByDeveloper.Count, "the developer did not take part: it only owns calls to action");
        developerFacts.Should().OnlyContain(f => f.Contains("you own the call to action", StringComparison.Ordinal));
        developerFacts.Should().Contain(f => f.Contains(ownedByDeveloper[0].GetProperty("title").GetString()!, StringComparison.Ordinal));
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
}
