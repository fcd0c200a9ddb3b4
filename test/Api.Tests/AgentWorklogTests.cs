using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>POST /api/agents/{id}/worklog: a note in an agent's own worklog, outside any task.</summary>
public sealed class AgentWorklogTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_note_without_a_task_is_in_the_agents_worklog_and_only_the_CEO_of_its_company_writes_one()
    {
        using var ceo = await fixture.CeoAsync();
        var agent = await ceo.HireAsync("Wanda", "Writer", "Marketing", null);

        var entry = await (await ceo.PostAsJsonAsync($"/api/agents/{agent}/worklog", new { body = "  Reviewed last quarter's campaigns on my own.  " }))
            .ReadJsonAsync(HttpStatusCode.Created);
        entry.GetProperty("taskId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        entry.GetProperty("agentId").GetInt64().Should().Be(agent);
        entry.GetProperty("body").GetString().Should().Be("Reviewed last quarter's campaigns on my own.");
        entry.GetProperty("visibility").GetString().Should().Be("manager");

        var progress = await (await ceo.GetAsync($"/api/agents/{agent}/progress")).ReadJsonAsync();
        var worklog = progress.GetProperty("worklog").EnumerateArray().ToList();
        worklog.Should().ContainSingle();
        worklog[0].GetProperty("id").GetInt64().Should().Be(entry.GetProperty("id").GetInt64());
        worklog[0].GetProperty("taskId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);

        var events = await (await ceo.GetAsync($"/api/events?after=0&stream=agent:{agent}")).ReadJsonAsync();
        events.GetProperty("events").EnumerateArray().Should().Contain(e => e.GetProperty("type").GetString() == "agent.worklog_added");

        var empty = await (await ceo.PostAsJsonAsync($"/api/agents/{agent}/worklog", new { body = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        empty.GetProperty("errors").TryGetProperty("body", out _).Should().BeTrue();

        await fixture.WorldAsync();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        await (await viewer.PostAsJsonAsync($"/api/agents/{agent}/worklog", new { body = "A viewer's note" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.PostAsJsonAsync($"/api/agents/{agent}/worklog", new { body = "Another company's note" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        (await (await ceo.GetAsync($"/api/agents/{agent}/progress")).ReadJsonAsync()).GetProperty("worklog").GetArrayLength().Should().Be(1);
    }
}
