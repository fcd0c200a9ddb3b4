using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

/// <summary>Workflow runs over HTTP: who may start, read and change them, and that a company sees only its own.</summary>
public sealed class WorkflowRunsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Viewers_read_runs_only_and_another_company_neither_sees_nor_changes_them()
    {
        using var ceo = await fixture.CeoAsync();
        await ceo.HireAsync("Mel", "Copywriter", "Marketing");
        // A step that stays open: its task waits for the CEO's approval (or, without agent work, in the queue).
        var definition = new
        {
            inputs = new { season = new { type = "string", required = true } },
            steps = new object[]
            {
                new { id = "letter", agent = new { role = "Copywriter" }, title = "Publish the ${inputs.season} newsletter", brief = "Publish it to all subscribers." },
                new { id = "thanks", agent = new { role = "Copywriter" }, title = "Thank the readers", brief = "After: ${steps.letter.result}", requires = new[] { "letter" } },
            },
        };
        var created = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Runs " + Guid.NewGuid().ToString("N")[..8], definition })).ReadJsonAsync(HttpStatusCode.Created);
        var workflow = created.GetProperty("id").GetInt64();

        var missing = await (await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        missing.GetProperty("errors").TryGetProperty("inputs.season", out _).Should().BeTrue();
        var run = await (await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { season = "spring" } })).ReadJsonAsync(HttpStatusCode.Created);
        var runId = run.GetProperty("id").GetInt64();
        run.GetProperty("workflowVersion").GetInt64().Should().Be(1);
        var letter = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "letter");
        letter.GetProperty("status").GetString().Should().Be("running");
        var task = await ceo.GetTaskAsync(letter.GetProperty("taskId").GetInt64());
        task.GetProperty("title").GetString().Should().Be("Publish the spring newsletter");
        task.GetProperty("assigneeAgentId").GetInt64().Should().Be(letter.GetProperty("agentId").GetInt64());

        await fixture.WorldAsync();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        (await (await viewer.GetAsync($"/api/workflow-runs/{runId}")).ReadJsonAsync()).GetProperty("id").GetInt64().Should().Be(runId);
        (await (await viewer.GetAsync($"/api/workflows/{workflow}/runs")).ReadJsonAsync()).EnumerateArray().Should().Contain(r => r.GetProperty("id").GetInt64() == runId);
        (await viewer.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { product = "x" } })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync($"/api/workflow-runs/{runId}/pause", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync($"/api/workflow-runs/{runId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync($"/api/workflow-runs/{runId}/steps/letter/retry", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync($"/api/workflow-runs/{runId}/steps/letter/skip", new { result = new { } })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.GetAsync($"/api/workflow-runs/{runId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.GetAsync($"/api/workflows/{workflow}/runs")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.PostAsync($"/api/workflow-runs/{runId}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { product = "x" } })).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var cancelled = await (await ceo.PostAsJsonAsync($"/api/workflow-runs/{runId}/cancel", new { reason = "Checked." })).ReadJsonAsync();
        cancelled.GetProperty("status").GetString().Should().Be("cancelled");
        cancelled.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).Should().AllBe("cancelled");
        (await ceo.GetTaskAsync(letter.GetProperty("taskId").GetInt64())).GetProperty("status").GetString().Should().Be("cancelled");
    }
}
