using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>Deleting a meeting over HTTP: a draft goes, a meeting under way is refused.</summary>
public sealed class MeetingDeletionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_draft_meeting_is_deleted_with_a_tombstone_and_a_running_one_is_refused_with_a_named_problem()
    {
        using var ceo = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var agent = (await (await ceo.PostAsJsonAsync("/api/agents", new { profile = new { firstName = "Mia", lastName = "Tee", role = "Planner", department = "Ops", model = "offline" } }))
            .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var draft = (await (await ceo.PostAsJsonAsync("/api/meetings", new { title = $"Offsite {tag}", goal = "Pick a place", participantAgentIds = new[] { agent } }))
            .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var running = (await (await ceo.PostAsJsonAsync("/api/meetings", new { title = $"Budget {tag}", goal = "Agree on the budget", participantAgentIds = new[] { agent } }))
            .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        (await (await ceo.PostAsync($"/api/meetings/{running}/start", null)).ReadJsonAsync()).GetProperty("status").GetString().Should().Be("running");

        var refused = await (await ceo.DeleteAsync($"/api/meetings/{running}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "meeting.in_progress");
        refused.GetProperty("detail").GetString().Should().Contain("running").And.Contain("end it first");
        (await ceo.GetAsync($"/api/meetings/{running}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await ceo.DeleteAsync($"/api/meetings/{draft}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/meetings/{draft}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.DeleteAsync($"/api/meetings/{draft}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await (await ceo.GetAsync("/api/meetings")).Content.ReadAsStringAsync()).Should().NotContain($"Offsite {tag}").And.Contain($"Budget {tag}");
        var tombstone = (await ceo.EventsUntilAsync($"meeting:{draft}", e => e.Has("meeting.deleted"))).Single(e => e.GetProperty("type").GetString() == "meeting.deleted");
        tombstone.GetProperty("payload").GetProperty("title").GetString().Should().Be($"Offsite {tag}");
    }
}
