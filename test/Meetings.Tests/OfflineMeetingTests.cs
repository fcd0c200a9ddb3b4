using System.Net;
using System.Text.Json;

namespace FluidManager.Meetings.Tests;

/// <summary>The acceptance meeting with the offline model: minutes, CEO review, dispatch down the org chart.</summary>
public sealed class OfflineMeetingTests(MeetingsFixture fixture) : IClassFixture<MeetingsFixture>
{
    [Fact]
    public async Task Q3_launch_with_the_offline_model_yields_minutes_whose_calls_to_action_are_dispatched_at_the_right_levels()
    {
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering");
        var manager = await fixture.HireAsync("Grace", "Engineering Manager", "Engineering", cto);
        var developer = await fixture.HireAsync("Linus", "Frontend Developer", "Engineering", manager);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing");
        var sales = await fixture.HireAsync("Sam", "Head of Sales", "Sales");
        var rep = await fixture.HireAsync("Rita", "Sales Representative", "Sales", sales);

        var meeting = await fixture.PostAsync("/api/meetings", new
        {
            title = "Q3 launch",
            goal = "agree on the launch plan",
            agenda = new[] { "Launch date", "Campaign", "Customer pilots" },
            participantAgentIds = new[] { cto, cmo, sales },
            maxRounds = 1,
        }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{id}/start", null);
        var done = await fixture.WaitForMeetingAsync(id, ["completed", "failed"]);
        done.GetProperty("status").GetString().Should().Be("completed", done.GetRawText());
        done.GetProperty("synthesisAttempts").GetInt32().Should().Be(1, "the offline minutes are valid at once");

        var minutes = await fixture.GetAsync($"/api/meetings/{id}/minutes");
        minutes.GetProperty("summary").GetString().Should().Contain("Q3 launch");
        minutes.GetProperty("decisions").GetArrayLength().Should().Be(3, "one per agenda item");
        var ctas = minutes.GetProperty("callsToAction").EnumerateArray().ToList();
        ctas.Should().HaveCountGreaterThanOrEqualTo(4);
        ctas.Select(c => c.GetProperty("ownerAgentId").GetInt64()).Should().Contain([cto, cmo, sales, developer]);
        var forDeveloper = ctas.Single(c => c.GetProperty("ownerAgentId").GetInt64() == developer);
        forDeveloper.GetProperty("rationale").GetString().Should().Contain("Sam").And.Contain("Head of Sales", "the request came from the Sales side");

        // The CEO reviews: drops the CMO's call, hands the Head of Sales' call to the sales representative.
        var cmoCall = ctas.First(c => c.GetProperty("ownerAgentId").GetInt64() == cmo).GetProperty("id").GetInt64();
        var salesCall = ctas.First(c => c.GetProperty("ownerAgentId").GetInt64() == sales).GetProperty("id").GetInt64();
        (await fixture.PatchAsync($"/api/meetings/{id}/ctas/{cmoCall}", new { dropped = true })).GetProperty("status").GetString().Should().Be("dropped");
        var reassigned = await fixture.PatchAsync($"/api/meetings/{id}/ctas/{salesCall}", new { ownerAgentId = rep, priority = "urgent" });
        reassigned.GetProperty("ownerName").GetString().Should().Be("Rita Test");

        var dispatched = (await fixture.PostAsync($"/api/meetings/{id}/dispatch", new { })).EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt64());
        dispatched[cmoCall].GetProperty("status").GetString().Should().Be("dropped");
        dispatched.Values.Count(c => c.GetProperty("status").GetString() == "dispatched").Should().BeGreaterThanOrEqualTo(3);

        // A participant's call goes to the participant; a deeper agent's call to the top of its branch, with the chain to go down.
        var ctoCall = dispatched.Values.First(c => c.GetProperty("ownerAgentId").GetInt64() == cto);
        Route(ctoCall).Should().Equal(cto);
        ctoCall.GetProperty("assigneeAgentId").GetInt64().Should().Be(cto);
        var repCall = dispatched[salesCall];
        repCall.GetProperty("assigneeAgentId").GetInt64().Should().Be(sales);
        Route(repCall).Should().Equal(sales, rep);
        var developerCall = dispatched[forDeveloper.GetProperty("id").GetInt64()];
        developerCall.GetProperty("status").GetString().Should().Be("dispatched");
        developerCall.GetProperty("assigneeAgentId").GetInt64().Should().Be(cto, "a developer's work reaches it through engineering's chain");
        Route(developerCall).Should().Equal(cto, manager, developer);

        // The tasks: created by the CEO, assigned at the top of the branch, linked to the meeting and its decision; never assigned by Sales.
        var taskId = developerCall.GetProperty("taskId").GetInt64();
        var task = await fixture.GetAsync($"/api/tasks/{taskId}");
        task.GetProperty("assigneeAgentId").GetInt64().Should().Be(cto);
        task.GetProperty("createdBy").GetString().Should().Be($"human:{fixture.CeoUserId}");
        task.GetProperty("description").GetString().Should().Contain($"From meeting #{id} 'Q3 launch'").And.Contain("Grace Test").And.Contain("Linus Test");
        task.GetProperty("description").GetString().Should().Contain($"\n\nFrom meeting #{id} 'Q3 launch'", "the brief keeps its paragraphs");
        task.GetProperty("priority").GetString().Should().Be("high");
        var fromSales = await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM tasks WHERE company_id = @c AND (created_by = @sam OR assignee_agent_id = @dev)",
            ("c", fixture.CompanyId), ("sam", $"agent:{sales}"), ("dev", developer));
        fromSales.Should().Be(0, "Sales never assigns engineering work, and nobody skips the developer's managers");
        var repTask = await fixture.GetAsync($"/api/tasks/{repCall.GetProperty("taskId").GetInt64()}");
        repTask.GetProperty("priority").GetString().Should().Be("urgent");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'meeting.cta.dispatched'", ("s", $"meeting:{id}")))
            .Should().Be(dispatched.Values.Count(c => c.GetProperty("status").GetString() == "dispatched"));

        // The meeting shows its calls' live task status; a dispatched call cannot be dispatched or edited again.
        var live = await fixture.GetAsync($"/api/meetings/{id}/minutes");
        live.GetProperty("callsToAction").EnumerateArray().Where(c => c.GetProperty("status").GetString() == "dispatched")
            .Should().OnlyContain(c => HasTaskStatus(c));
        await fixture.PostAsync($"/api/tasks/{repCall.GetProperty("taskId").GetInt64()}/cancel", new { reason = "Not this quarter." });
        var afterCancel = (await fixture.GetAsync($"/api/meetings/{id}/minutes")).GetProperty("callsToAction").EnumerateArray()
            .Single(c => c.GetProperty("id").GetInt64() == salesCall);
        afterCancel.GetProperty("taskStatus").GetString().Should().Be("cancelled", "the call shows its task's current status");
        using var again = await fixture.Ceo.PostAsync($"/api/meetings/{id}/dispatch", System.Net.Http.Json.JsonContent.Create(new { ctaIds = new[] { ctoCall.GetProperty("id").GetInt64() } }));
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        using var edit = await fixture.Ceo.PatchAsync($"/api/meetings/{id}/ctas/{ctoCall.GetProperty("id").GetInt64()}", System.Net.Http.Json.JsonContent.Create(new { title = "Another" }));
        edit.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_meeting_set_to_auto_dispatch_turns_its_calls_into_tasks_when_the_minutes_are_written()
    {
        var cfo = await fixture.HireAsync("Vera", "CFO", "Finance");
        var accountant = await fixture.HireAsync("Otto", "Accountant", "Finance", cfo);
        var meeting = await fixture.PostAsync("/api/meetings", new
        {
            title = "Budget 2027",
            participantAgentIds = new[] { cfo },
            maxRounds = 1,
            autoDispatch = true,
        }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{id}/start", null);
        await fixture.WaitForMeetingAsync(id, ["completed"]);

        var ctas = (await fixture.GetAsync($"/api/meetings/{id}/minutes")).GetProperty("callsToAction").EnumerateArray().ToList();
        ctas.Should().HaveCount(2).And.OnlyContain(c => c.GetProperty("status").GetString() == "dispatched");
        ctas.Should().OnlyContain(c => c.GetProperty("assigneeAgentId").GetInt64() == cfo);
        Route(ctas.Single(c => c.GetProperty("ownerAgentId").GetInt64() == accountant)).Should().Equal(cfo, accountant);
    }

    private static bool HasTaskStatus(JsonElement cta) => cta.TryGetProperty("taskStatus", out var status) && status.ValueKind == JsonValueKind.String;

    private static List<long> Route(JsonElement cta) => [.. cta.GetProperty("route").EnumerateArray().Select(r => r.GetInt64())];
}
