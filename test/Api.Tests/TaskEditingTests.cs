using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>Editing an open task's text and deleting a finished one, over HTTP.</summary>
public sealed class TaskEditingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_open_task_takes_a_new_title_and_description_and_a_cancelled_one_refuses_with_a_named_problem()
    {
        using var ceo = await fixture.CeoAsync();
        var id = (await ceo.CreateTaskAsync("Draft the memo")).GetProperty("id").GetInt64();

        var edited = await (await ceo.PatchAsJsonAsync($"/api/tasks/{id}", new { title = "Draft the board memo", description = "Two pages, plain words." })).ReadJsonAsync();
        edited.GetProperty("title").GetString().Should().Be("Draft the board memo");
        edited.GetProperty("description").GetString().Should().Be("Two pages, plain words.");
        var onlyText = await (await ceo.PatchAsJsonAsync($"/api/tasks/{id}", new { description = "One page." })).ReadJsonAsync();
        onlyText.GetProperty("title").GetString().Should().Be("Draft the board memo", "a field left out stays");
        onlyText.GetProperty("version").GetInt64().Should().Be(edited.GetProperty("version").GetInt64() + 1);
        var events = await ceo.EventsUntilAsync($"task:{id}", e => e.Count(x => x.GetProperty("type").GetString() == "task.edited") >= 2);
        events.Count(e => e.GetProperty("type").GetString() == "task.edited").Should().Be(2);

        var blank = await (await ceo.PatchAsJsonAsync($"/api/tasks/{id}", new { title = "   " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        blank.GetProperty("errors").TryGetProperty("title", out _).Should().BeTrue();
        (await ceo.PatchAsJsonAsync($"/api/tasks/{id}", new { title = "Stale", expectedVersion = 1 })).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        (await ceo.PostAsJsonAsync($"/api/tasks/{id}/cancel", new { reason = "Not needed." })).StatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await (await ceo.PatchAsJsonAsync($"/api/tasks/{id}", new { title = "Too late" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "task.illegal_transition");
        refused.GetProperty("detail").GetString().Should().Contain("cancelled");
        (await ceo.PatchAsJsonAsync("/api/tasks/999999999", new { title = "Nobody" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cancelled_task_is_deleted_leaving_a_tombstone_and_its_costs_while_an_open_one_is_refused()
    {
        var world = await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var id = (await ceo.CreateTaskAsync("Price the offer " + tag)).GetProperty("id").GetInt64();
        var agent = (await (await ceo.PostAsJsonAsync("/api/agents", new { profile = new { firstName = "Del", lastName = "Eter", role = "Pricing", department = "Sales", model = "offline" } }))
            .ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        // A model call the task made, as the agent loop records it.
        await fixture.ExecuteAsync(
            """
            INSERT INTO llm_calls (company_id, task_id, agent_id, attempt, step, activity_id, model, input_tokens, output_tokens, cost, duration_ms, succeeded, at)
            VALUES (@company, @task, @agent, 1, 1, gen_random_uuid(), 'offline', 120, 30, 0.25, 40, true, now())
            """, ("company", world.Acme), ("task", id), ("agent", agent));
        var before = await TaskCostAsync(ceo, id);
        before.Should().Be(0.25m);

        var open = await (await ceo.DeleteAsync($"/api/tasks/{id}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "task.not_finished");
        open.GetProperty("detail").GetString().Should().Contain("queued").And.Contain("cancel it first");

        (await ceo.PostAsJsonAsync($"/api/tasks/{id}/cancel", new { reason = "Lost the deal." })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ceo.DeleteAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await ceo.GetAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.DeleteAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var listed = (await (await ceo.GetAsync("/api/tasks?limit=500")).ReadJsonAsync());
        listed.ToString().Should().NotContain("Price the offer " + tag);
        // The log serves an event once every transaction before it has ended: the tombstone may show a moment later.
        var tombstone = (await ceo.EventsUntilAsync($"task:{id}", e => e.Has("task.deleted")))
            .Single(e => e.GetProperty("type").GetString() == "task.deleted");
        tombstone.GetProperty("payload").GetProperty("title").GetString().Should().Be("Price the offer " + tag);
        tombstone.GetProperty("payload").GetProperty("status").GetString().Should().Be("cancelled");
        (await TaskCostAsync(ceo, id)).Should().Be(before, "a deleted task's costs stay in the cost views");
    }

    private static async Task<decimal> TaskCostAsync(HttpClient client, long taskId)
    {
        var report = await (await client.GetAsync("/api/costs?groupBy=task")).ReadJsonAsync();
        return report.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("key").GetString() == taskId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Sum(r => r.GetProperty("cost").GetDecimal());
    }
}
