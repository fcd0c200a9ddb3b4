using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// The company driven like a script would drive it, over real HTTP, against the Api and Silo running
/// as processes, while the SignalR JavaScript client listens to the company's live feed.
/// </summary>
public sealed partial class CompanyFlowTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_mission_flows_down_the_chart_refusals_hold_and_the_live_client_sees_every_event_in_order()
    {
        using var ceo = await SignInAsync();
        var token = (await ReadAsync(await ceo.PostAsJsonAsync("/api/tokens", new { name = "e2e live client" }), HttpStatusCode.Created)).GetProperty("token").GetString()!;

        // The demo company was loaded on first start.
        var agents = (await ReadAsync(await ceo.GetAsync("/api/agents"))).EnumerateArray().ToList();
        agents.Count.Should().BeGreaterThanOrEqualTo(10, system.Logs);
        long Agent(Func<JsonElement, bool> match) => agents.First(match).GetProperty("id").GetInt64();
        static string Role(JsonElement a) => a.GetProperty("profile").GetProperty("role").GetString()!;
        var cto = Agent(a => Role(a) == "CTO");
        var staffDeveloper = Agent(a => Role(a) == "Developer" && a.GetProperty("managerAgentId").ValueKind == JsonValueKind.Number && a.GetProperty("managerAgentId").GetInt64() == cto);
        var teamDeveloper = Agent(a => Role(a) == "Developer" && a.GetProperty("managerAgentId").ValueKind == JsonValueKind.Number && a.GetProperty("managerAgentId").GetInt64() != cto);
        var headOfSales = Agent(a => Role(a) == "Head of Sales");
        var chart = await ReadAsync(await ceo.GetAsync("/api/org/chart"));
        chart.GetProperty("root").GetProperty("reports").GetArrayLength().Should().BeGreaterThanOrEqualTo(4);

        // The silo's agent loop starts an active agent's queued work by itself; this script drives the
        // developer's task by hand, so the developer is paused (its queue waits for it).
        await ReadAsync(await ceo.PutAsJsonAsync($"/api/agents/{staffDeveloper}/status", new { status = "paused" }));

        await using var live = await NodeHubListener.ConnectAsync(system.Url, token);

        // A first event both sides must see proves the live client is in the company's feed.
        var someTask = (await ReadAsync(await ceo.GetAsync("/api/tasks?limit=1"))).GetProperty("items")[0].GetProperty("id").GetInt64();
        await ReadAsync(await ceo.PostAsJsonAsync($"/api/tasks/{someTask}/comments", new { body = "Live client connected." }), HttpStatusCode.Created);
        await live.WaitForAsync(events => events.Any(e => Type(e) == "task.commented"), Timeout, "the first comment");

        // The CEO gives the CTO a mission; the CTO delegates part of it to its staff developer.
        var mission = await ReadAsync(await ceo.PostAsJsonAsync("/api/tasks", new
        {
            title = "Harden the public API",
            description = "Rate limits, audit logging and a security review before the enterprise launch.",
            assigneeAgentId = cto,
            priority = "high",
            deadlineAt = DateTimeOffset.UtcNow.AddDays(14),
        }), HttpStatusCode.Created);
        var missionId = mission.GetProperty("id").GetInt64();
        var delegated = await ReadAsync(await ceo.PostAsJsonAsync($"/api/agents/{cto}/delegate", new
        {
            toAgentId = staffDeveloper,
            title = "Add per-token rate limits",
            parentTaskId = missionId,
        }), HttpStatusCode.Created);
        var devTask = delegated.GetProperty("id").GetInt64();
        delegated.GetProperty("createdBy").GetString().Should().Be($"agent:{cto}");

        // Forbidden delegations are refused with their rule, and create nothing.
        var sideways = await ceo.PostAsJsonAsync($"/api/agents/{headOfSales}/delegate", new { toAgentId = teamDeveloper, title = "Build a feature for my prospect" });
        (await ProblemAsync(sideways, HttpStatusCode.Forbidden)).GetProperty("rule").GetString().Should().Be("role:sales-never-above-engineering");
        var upward = await ceo.PostAsJsonAsync($"/api/agents/{teamDeveloper}/delegate", new { toAgentId = cto, title = "Review my design" });
        (await ProblemAsync(upward, HttpStatusCode.Forbidden)).GetProperty("rule").GetString().Should().Be("delegation:direct-subordinates-only");
        var subtasks = await ReadAsync(await ceo.GetAsync($"/api/tasks/{missionId}/subtasks"));
        subtasks.EnumerateArray().Select(n => n.GetProperty("task").GetProperty("id").GetInt64()).Should().Contain(devTask);
        subtasks.EnumerateArray().Should().NotContain(n => n.GetProperty("task").GetProperty("title").GetString() == "Review my design");

        // The developer's task: paused, resumed, started and completed, each command sent with the
        // ETag of the previous answer as If-Match, like a careful script.
        var etag = (await ceo.GetAsync($"/api/tasks/{devTask}")).Headers.ETag!.Tag;
        foreach (var (verb, body) in new (string, object?)[] { ("pause", new { reason = "Waiting for the gateway upgrade" }), ("resume", null), ("start", null), ("complete", new { result = "Limits live: 100 requests/s per token." }) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{devTask}/{verb}") { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            var response = await ceo.SendAsync(request);
            await ReadAsync(response);
            etag = response.Headers.ETag!.Tag;
        }

        var done = await ReadAsync(await ceo.GetAsync($"/api/tasks/{devTask}"));
        done.GetProperty("status").GetString().Should().Be("done");
        done.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).Should().Equal("comment");
        (await ReadAsync(await ceo.GetAsync($"/api/tasks/{missionId}"))).GetProperty("subtasks").GetProperty("done").GetInt32().Should().BeGreaterThanOrEqualTo(1);

        // The log shows the flow; the live client received every event of the company, in order.
        var timeline = await Eventually.WaitAsync(
            () => EventsAsync(ceo, 0, $"task:{devTask}"),
            events => events.Any(e => Type(e) == "task.completed"), Timeout, "task.completed in the log");
        timeline.Select(Type).Should().ContainInOrder("task.created", "task.assigned", "task.paused", "task.resumed", "task.started", "task.completed");
        var last = timeline.Single(e => Type(e) == "task.completed").GetProperty("position").GetInt64();

        var received = await live.WaitForAsync(events => events.Any(e => Position(e) >= last), Timeout, $"the event at position {last}");
        var positions = received.Select(Position).ToList();
        positions.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var first = positions[0];
        var logged = (await EventsAsync(ceo, first - 1, null)).Where(e => Position(e) <= last).ToList();
        positions.Where(p => p <= last).Should().Equal(logged.Select(Position), "the live client must see exactly the log, in the same order");
        received.Where(e => Position(e) <= last).Select(Type).Should().ContainInOrder(
            "task.commented", "task.created", "task.assigned", "agent.delegated", "policy.denied", "policy.denied",
            "task.paused", "task.resumed", "task.started", "task.completed");
        received.Should().OnlyContain(e => e.GetProperty("stream").GetString() != null);
    }

    [Fact]
    public async Task The_scenario_cli_plays_the_demo_company_into_a_new_company_and_every_expectation_passes()
    {
        var start = RunningSystem.Host("Cli", "scenario", RunningSystem.DemoScenario,
            "--url", system.Url.ToString(), "--email", RunningSystem.OwnerEmail, "--password", RunningSystem.OwnerPassword, "--new-company", "Scenario Co");
        using var cli = Process.Start(start)!;
        cli.StandardInput.Close();
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output;
        var report = text + await errors;

        cli.ExitCode.Should().Be(0, report);
        text.Should().Contain("0 failed", report);
        text.Split('\n').Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(10, report);
        text.Should().NotContain("FAIL ", report);
    }

    [Fact]
    public async Task The_scenario_cli_holds_meetings_dispatches_the_calls_of_the_auto_one_and_of_a_reviewed_one_and_leaves_the_other_to_review()
    {
        var start = RunningSystem.Host("Cli", "scenario", Path.Combine(RunningSystem.RepositoryRoot, "scenarios", "leadership-meeting.json"),
            "--url", system.Url.ToString(), "--email", RunningSystem.OwnerEmail, "--password", RunningSystem.OwnerPassword, "--new-company", "Meeting Co");
        using var cli = Process.Start(start)!;
        cli.StandardInput.Close();
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var text = await output;
        var report = text + await errors;

        cli.ExitCode.Should().Be(0, report);
        text.Should().Contain("PASS expect[0] meeting q3 reaches completed", report);
        text.Should().Contain("PASS expect[5] count of ctas (status=dispatched, meeting=q3)", report);
        text.Should().Contain("PASS expect[10] event task.commented on task:q3.cta1", report);
        text.Should().Contain("PASS expect[12] event task.commented on task:pipeline.cta1", report);
        text.Should().Contain("13 passed, 0 failed", report);

        // What the script did, read back over HTTP in the company it played into.
        using var ceo = await SignInAsync();
        var company = (await ReadAsync(await ceo.GetAsync("/api/companies"))).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Meeting Co");
        await ReadAsync(await ceo.PostAsJsonAsync("/api/auth/switch", new { companyId = company.GetProperty("id").GetInt64() }));
        var meetings = (await ReadAsync(await ceo.GetAsync("/api/meetings"))).EnumerateArray().ToDictionary(m => m.GetProperty("title").GetString()!);
        meetings.Keys.Should().BeEquivalentTo("Q3 launch", "Engineering sync", "Pipeline review");
        meetings.Values.Should().OnlyContain(m => m.GetProperty("status").GetString() == "completed");
        meetings["Q3 launch"].GetProperty("autoDispatch").GetBoolean().Should().BeTrue();
        meetings["Engineering sync"].GetProperty("autoDispatch").GetBoolean().Should().BeFalse("review is the default");

        var q3 = meetings["Q3 launch"].GetProperty("id").GetInt64();
        var minutes = await ReadAsync(await ceo.GetAsync($"/api/meetings/{q3}/minutes"));
        minutes.GetProperty("summary").GetString().Should().Contain("Q3 launch");
        var calls = minutes.GetProperty("callsToAction").EnumerateArray().ToList();
        calls.Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() == "dispatched");
        foreach (var call in calls)
        {
            var task = await ReadAsync(await ceo.GetAsync($"/api/tasks/{call.GetProperty("taskId").GetInt64()}"));
            task.GetProperty("title").GetString().Should().Be(call.GetProperty("title").GetString());
            task.GetProperty("description").GetString().Should().Contain($"From meeting #{q3} 'Q3 launch'");
        }

        var first = calls.Single(c => c.GetProperty("position").GetInt32() == 1).GetProperty("taskId").GetInt64();
        var comments = await ReadAsync(await ceo.GetAsync($"/api/tasks/{first}/comments"));
        comments.EnumerateArray().Should().Contain(c => c.GetProperty("body").GetString()!.Contains("Q3 launch meeting", StringComparison.Ordinal), "the step after the meeting commented on q3.cta1");

        var sync = meetings["Engineering sync"].GetProperty("id").GetInt64();
        (await ReadAsync(await ceo.GetAsync($"/api/meetings/{sync}/minutes"))).GetProperty("callsToAction").EnumerateArray()
            .Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() == "proposed");

        // The pipeline review was held for review, then dispatched by its own step.
        meetings["Pipeline review"].GetProperty("autoDispatch").GetBoolean().Should().BeFalse();
        var pipeline = (await ReadAsync(await ceo.GetAsync($"/api/meetings/{meetings["Pipeline review"].GetProperty("id").GetInt64()}/minutes")))
            .GetProperty("callsToAction").EnumerateArray().ToList();
        pipeline.Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() != "proposed");
        var firstOfPipeline = pipeline.Single(c => c.GetProperty("position").GetInt32() == 1).GetProperty("taskId").GetInt64();
        (await ReadAsync(await ceo.GetAsync($"/api/tasks/{firstOfPipeline}/comments"))).EnumerateArray()
            .Should().Contain(c => c.GetProperty("body").GetString()!.Contains("pipeline meeting", StringComparison.Ordinal));
    }

    private async Task<HttpClient> SignInAsync()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Url };
        await ReadAsync(await client.PostAsJsonAsync("/api/auth/login", new { email = RunningSystem.OwnerEmail, password = RunningSystem.OwnerPassword }));
        return client;
    }

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, long after, string? stream)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var page = await ReadAsync(await client.GetAsync($"/api/events?limit=1000&after={after}" + (stream is null ? "" : "&stream=" + Uri.EscapeDataString(stream))));
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            all.AddRange(batch);
            if (batch.Count < 1000)
            {
                return all;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return await ReadAsync(response, status);
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static long Position(JsonElement e) => e.GetProperty("position").GetInt64();
}
