using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;

namespace FluidManager.Work.Tests;

/// <summary>The Api and a working silo, whose offline model takes 300 ms per answer so that a run can be paused or cancelled mid-step.</summary>
public sealed class WorkflowRunFixture : WorkApiFixture
{
    protected override int OfflineLatencyMs => 300;
}

/// <summary>
/// Workflow runs end to end on the offline model: each step a real task of its agent, results passed along by templating,
/// structured results checked against their schema, failures handled by policy, and the CEO's manual interventions.
/// </summary>
public sealed class WorkflowRunTests(WorkflowRunFixture fixture) : IClassFixture<WorkflowRunFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>A schema the offline model's words never match (a code such as ABC-1234), while a person can give such a result.</summary>
    private static readonly JsonNode Unreachable = JsonNode.Parse("""
        { "type": "object", "required": ["code"], "properties": { "code": { "type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$" } } }
        """)!;

    [Fact]
    public async Task The_product_pipeline_runs_end_to_end_passing_structured_results_and_costs_the_sum_of_its_steps()
    {
        var (ceo, company) = await fixture.CeoAsync();
        await HireAsync(company, "Ana", "Market Analyst", "Strategy");
        await HireAsync(company, "Max", "Copywriter", "Marketing");
        await HireAsync(company, "Pim", "Product Manager", "Product");
        var workflow = await CreateWorkflowAsync(ceo, "Pipeline", ProductPipeline());

        var started = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { product = "Oat barista milk", market = "EU cafés, where demand is high" } });
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var run = await started.Content.ReadFromJsonAsync<JsonElement>();
        var runId = run.GetProperty("id").GetInt64();
        started.Headers.Location!.ToString().Should().Be($"/api/workflow-runs/{runId}");
        run.GetProperty("inputs").GetProperty("maxPrice").GetDecimal().Should().Be(500);
        Step(run, "analyse").GetProperty("status").GetString().Should().Be("running");
        Step(run, "content").GetProperty("status").GetString().Should().Be("pending");

        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed" or "cancelled");
        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());

        // Step 1's structured result matches its schema; step 2 was briefed with it; step 3 with both.
        var analysis = Step(done, "analyse").GetProperty("result");
        analysis.GetProperty("segment").GetString().Should().NotBeNullOrWhiteSpace();
        analysis.GetProperty("price").ValueKind.Should().Be(JsonValueKind.Number);
        analysis.GetProperty("demand").GetString().Should().Be("high");
        var copy = Step(done, "content").GetProperty("result");
        copy.GetProperty("headline").GetString().Should().NotBeNullOrWhiteSpace();
        var contentTask = await TaskAsync(company, Step(done, "content"));
        contentTask.Description.Should().Contain(analysis.GetProperty("segment").GetString()).And.Contain(analysis.GetProperty("price").GetRawText());
        contentTask.Description.Should().Contain("\"headline\"", "the brief asks for the output schema");
        var createTask = await TaskAsync(company, Step(done, "create"));
        createTask.Description.Should().Contain(copy.GetProperty("headline").GetString()).And.Contain(copy.GetProperty("body").GetString());
        createTask.Description.Should().Contain(analysis.GetProperty("price").GetRawText());
        Step(done, "create").GetProperty("result").GetString().Should().Be(createTask.Result);
        Step(done, "withdraw").GetProperty("status").GetString().Should().Be("skipped", "nothing failed, so nothing was compensated");
        Step(done, "withdraw").GetProperty("isCompensation").GetBoolean().Should().BeTrue();

        // The run's cost is the sum of its steps', each the cost of its tasks' model calls.
        var total = 0m;
        foreach (var step in done.GetProperty("steps").EnumerateArray())
        {
            var stepCost = 0m;
            foreach (var taskId in step.GetProperty("taskIds").EnumerateArray().Select(t => t.GetInt64()))
            {
                var calls = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/llm-calls");
                stepCost += calls.EnumerateArray().Sum(c => c.GetProperty("cost").GetDecimal());
            }

            step.GetProperty("cost").GetDecimal().Should().Be(stepCost, step.GetProperty("key").GetString());
            total += stepCost;
        }

        total.Should().BeGreaterThan(0);
        done.GetProperty("cost").GetDecimal().Should().Be(total);

        // The run's stream tells the story for the live dashboard.
        var events = await EventTypesAsync(ceo, runId, "run.completed");
        events.Should().ContainInOrder("run.started", "step.started", "step.completed", "step.started", "step.completed", "step.started", "step.completed", "run.completed");

        // The list of the workflow's runs shows it.
        var list = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflow}/runs");
        list.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).Should().Contain(runId);
    }

    [Fact]
    public async Task Fan_out_runs_three_steps_on_three_agents_at_once_and_the_collector_after_them()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var lead = await HireAsync(company, "Lea", "Research Lead", "Research");
        var a = await HireAsync(company, "Aki", "Researcher", "Research");
        var b = await HireAsync(company, "Bo", "Researcher", "Research");
        var c = await HireAsync(company, "Cy", "Researcher", "Research");
        var definition = new JsonObject
        {
            ["steps"] = new JsonArray(
                Step("frame", lead.Id, "Frame the question on ${inputs.topic}", "List three angles on ${inputs.topic}."),
                Step("north", a.Id, "North angle", "Study the northern region for: ${steps.frame.result}", "frame"),
                Step("south", b.Id, "South angle", "Study the southern region for: ${steps.frame.result}", "frame"),
                Step("west", c.Id, "West angle", "Study the western region for: ${steps.frame.result}", "frame"),
                Step("collect", lead.Id, "Collect the angles", "Merge: ${steps.north.result} / ${steps.south.result} / ${steps.west.result}", "north", "south", "west")),
            ["inputs"] = new JsonObject { ["topic"] = new JsonObject { ["type"] = "string", ["default"] = "cold brew demand" } },
        };
        var workflow = await CreateWorkflowAsync(ceo, "Fan", definition);
        var runId = await StartAsync(ceo, workflow, new { });

        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        var three = new[] { "north", "south", "west" }.Select(k => Step(done, k)).ToList();
        three.Select(s => s.GetProperty("agentId").GetInt64()).Should().BeEquivalentTo([a.Id, b.Id, c.Id]);
        var lastStart = three.Max(s => s.GetProperty("startedAt").GetDateTimeOffset());
        var firstEnd = three.Min(s => s.GetProperty("finishedAt").GetDateTimeOffset());
        lastStart.Should().BeBefore(firstEnd, "all three were running before any of them finished");
        three.Select(s => s.GetProperty("startedAt").GetDateTimeOffset()).Distinct().Should().ContainSingle("the three started together, when the frame step finished");
        Step(done, "collect").GetProperty("startedAt").GetDateTimeOffset().Should().BeOnOrAfter(three.Max(s => s.GetProperty("finishedAt").GetDateTimeOffset()));
        var collectTask = await TaskAsync(company, Step(done, "collect"));
        foreach (var step in three)
        {
            collectTask.Description.Should().Contain(step.GetProperty("result").GetString());
        }
    }

    [Fact]
    public async Task A_step_failing_twice_under_continue_lets_the_run_finish_with_that_step_failed()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Cal", "Analyst", "Finance");
        var flaky = Step("code", agent.Id, "Issue the account code", "Give the account code for the new ledger.");
        flaky["output"] = new JsonObject { ["schema"] = Unreachable.DeepClone() };
        flaky["retries"] = new JsonObject { ["max"] = 1, ["backoffSeconds"] = 1 };
        flaky["onFailure"] = "continue";
        var workflow = await CreateWorkflowAsync(ceo, "Continue", new JsonObject
        {
            ["steps"] = new JsonArray(flaky, Step("report", agent.Id, "Report on the ledger", "The code step ended as ${steps.code.status}.", "code")),
        });
        var runId = await StartAsync(ceo, workflow, null);

        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        done.GetProperty("error").GetString().Should().Contain("code");
        var code = Step(done, "code");
        code.GetProperty("status").GetString().Should().Be("failed");
        code.GetProperty("attempt").GetInt32().Should().Be(2);
        code.GetProperty("taskIds").GetArrayLength().Should().Be(2);
        code.GetProperty("error").GetString().Should().Contain("does not match the output schema");
        Step(done, "report").GetProperty("status").GetString().Should().Be("completed");
        (await TaskAsync(company, Step(done, "report"))).Description.Should().Contain("ended as failed");

        // The second attempt waited for the backoff.
        var tasks = new List<TaskDto>();
        foreach (var id in code.GetProperty("taskIds").EnumerateArray().Select(t => t.GetInt64()))
        {
            tasks.Add(await fixture.Grains.GetGrain<ITaskGrain>(id).GetAsync(company));
        }

        var retrying = (await EventsAsync(ceo, runId, "run.completed")).Single(e => e.GetProperty("type").GetString() == "step.retrying");
        var retryAt = Prop(retrying.GetProperty("payload"), "retryAt").GetDateTimeOffset();
        (retryAt - retrying.GetProperty("at").GetDateTimeOffset()).Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));
        tasks[1].CreatedAt.Should().BeOnOrAfter(retryAt);
    }

    [Fact]
    public async Task A_step_failing_under_fail_fails_the_run_and_cancels_its_open_steps()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Fay", "Analyst", "Finance");
        var writer = await HireAsync(company, "Wes", "Copywriter", "Marketing");
        var broken = Step("code", agent.Id, "Issue the account code", "Give the account code for the new ledger.");
        broken["output"] = new JsonObject { ["schema"] = Unreachable.DeepClone() };
        var workflow = await CreateWorkflowAsync(ceo, "Fail", new JsonObject
        {
            ["steps"] = new JsonArray(
                broken,
                Step("letter", writer.Id, "Publish the autumn newsletter", "Publish the newsletter to all subscribers."),
                Step("after", agent.Id, "Book the ledger", "Use the code ${steps.code.result.code}.", "code")),
        });
        var runId = await StartAsync(ceo, workflow, null);

        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("failed", done.ToString());
        done.GetProperty("error").GetString().Should().Contain("Step 'code' failed");
        Step(done, "code").GetProperty("status").GetString().Should().Be("failed");
        Step(done, "code").GetProperty("taskIds").GetArrayLength().Should().Be(2, "a result that misses the schema is asked for once more");
        Step(done, "after").GetProperty("status").GetString().Should().Be("cancelled");
        Step(done, "after").GetProperty("taskIds").GetArrayLength().Should().Be(0);
        var letter = Step(done, "letter");
        letter.GetProperty("status").GetString().Should().Be("cancelled", "it was waiting for the CEO's approval when the run failed");
        (await TaskAsync(company, letter)).Status.Should().Be(TaskState.Cancelled);
        (await EventTypesAsync(ceo, runId, "run.failed")).Should().Contain("run.failed").And.Contain("step.cancelled");
    }

    [Fact]
    public async Task A_step_failing_under_compensate_runs_its_compensation_step()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Kai", "Analyst", "Finance");
        var charge = Step("charge", agent.Id, "Issue the invoice code", "Give the invoice code for the order.");
        charge["output"] = new JsonObject { ["schema"] = Unreachable.DeepClone() };
        charge["onFailure"] = "compensate";
        charge["compensateWith"] = "undo";
        var workflow = await CreateWorkflowAsync(ceo, "Compensate", new JsonObject
        {
            ["steps"] = new JsonArray(
                charge,
                Step("ship", agent.Id, "Prepare the shipment", "Prepare the shipment for invoice ${steps.charge.result.code}.", "charge"),
                Step("undo", agent.Id, "Void the invoice draft", "Issuing the code failed (${steps.charge.error}); void the draft.")),
        });
        var runId = await StartAsync(ceo, workflow, null);

        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("failed", done.ToString());
        Step(done, "charge").GetProperty("status").GetString().Should().Be("failed");
        Step(done, "undo").GetProperty("status").GetString().Should().Be("completed");
        Step(done, "ship").GetProperty("status").GetString().Should().Be("cancelled");
        done.GetProperty("error").GetString().Should().Contain("Compensated by 'undo' (completed)");
        (await TaskAsync(company, Step(done, "undo"))).Description.Should().Contain("does not match the output schema");
        (await EventTypesAsync(ceo, runId, "run.failed")).Should().ContainInOrder("step.failed", "run.compensating", "step.started", "step.completed", "run.failed");
    }

    [Fact]
    public async Task A_paused_run_starts_nothing_until_it_is_resumed()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Pat", "Analyst", "Finance");
        var workflow = await CreateWorkflowAsync(ceo, "Pause", new JsonObject
        {
            ["steps"] = new JsonArray(
                Step("first", agent.Id, "Count the invoices", "Count this month's invoices."),
                Step("second", agent.Id, "Sum the invoices", "Sum them: ${steps.first.result}", "first")),
        });
        var runId = await StartAsync(ceo, workflow, null);

        var paused = await PostAsync(ceo, $"/api/workflow-runs/{runId}/pause");
        paused.GetProperty("status").GetString().Should().Be("paused");
        (await ceo.PostAsync($"/api/workflow-runs/{runId}/pause", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var first = Step(paused, "first");
        first.GetProperty("status").GetString().Should().Be("running");
        (await TaskAsync(company, first)).Status.Should().Be(TaskState.Paused);

        // Held: nothing moves while the run is paused.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var still = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runId}");
        still.GetProperty("status").GetString().Should().Be("paused");
        Step(still, "second").GetProperty("status").GetString().Should().Be("pending");
        (await TaskAsync(company, first)).Status.Should().Be(TaskState.Paused);

        var resumed = await PostAsync(ceo, $"/api/workflow-runs/{runId}/resume");
        resumed.GetProperty("status").GetString().Should().Be("running");
        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        (await EventTypesAsync(ceo, runId, "run.completed")).Should().ContainInOrder("run.paused", "run.resumed", "run.completed");
    }

    [Fact]
    public async Task A_failed_step_is_retried_by_hand_then_skipped_with_a_result_that_the_next_step_receives()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Rey", "Analyst", "Finance");
        var broken = Step("code", agent.Id, "Issue the account code", "Give the account code for the new ledger.");
        broken["output"] = new JsonObject { ["schema"] = Unreachable.DeepClone() };
        var workflow = await CreateWorkflowAsync(ceo, "Retry", new JsonObject
        {
            ["steps"] = new JsonArray(broken, Step("book", agent.Id, "Book the ledger", "Use the account code ${steps.code.result.code}.", "code")),
        });
        var runId = await StartAsync(ceo, workflow, null);
        var failed = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() == "failed");
        Step(failed, "book").GetProperty("status").GetString().Should().Be("cancelled");
        (await ceo.PostAsync($"/api/workflow-runs/{runId}/steps/nope/retry", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Retry: a new task, the run reopened; the result still misses the schema, so it fails again.
        var retried = await PostAsync(ceo, $"/api/workflow-runs/{runId}/steps/code/retry");
        retried.GetProperty("status").GetString().Should().Be("running");
        Step(retried, "code").GetProperty("status").GetString().Should().Be("running");
        Step(retried, "code").GetProperty("taskIds").GetArrayLength().Should().Be(3);
        Step(retried, "book").GetProperty("status").GetString().Should().Be("pending");
        var again = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() == "failed");
        Step(again, "code").GetProperty("attempt").GetInt32().Should().Be(3);

        // Skip with a result: checked against the schema, then passed to the next step.
        var wrong = await ceo.PostAsJsonAsync($"/api/workflow-runs/{runId}/steps/code/skip", new { result = new { code = "nope" } });
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("result", out _).Should().BeTrue();
        var skipped = await ceo.PostAsJsonAsync($"/api/workflow-runs/{runId}/steps/code/skip", new { result = new { code = "ABC-1234" } });
        skipped.StatusCode.Should().Be(HttpStatusCode.OK, await skipped.Content.ReadAsStringAsync());
        var done = await WaitRunAsync(ceo, runId, r => r.GetProperty("status").GetString() is "completed" or "failed");
        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        Step(done, "code").GetProperty("status").GetString().Should().Be("skipped");
        (await TaskAsync(company, Step(done, "book"))).Description.Should().Contain("ABC-1234");
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_its_open_steps_and_their_tasks()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var writer = await HireAsync(company, "Cass", "Copywriter", "Marketing");
        var workflow = await CreateWorkflowAsync(ceo, "Cancel", new JsonObject
        {
            ["steps"] = new JsonArray(
                Step("letter", writer.Id, "Publish the winter newsletter", "Publish the newsletter to all subscribers."),
                Step("after", writer.Id, "Thank the readers", "Thank them for reading: ${steps.letter.result}", "letter")),
        });
        var runId = await StartAsync(ceo, workflow, null);
        var cancelled = await ceo.PostAsJsonAsync($"/api/workflow-runs/{runId}/cancel", new { reason = "Not this season." });
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        var run = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        run.GetProperty("status").GetString().Should().Be("cancelled");
        run.GetProperty("error").GetString().Should().Be("Not this season.");
        Step(run, "letter").GetProperty("status").GetString().Should().Be("cancelled");
        Step(run, "after").GetProperty("status").GetString().Should().Be("cancelled");
        (await TaskAsync(company, Step(run, "letter"))).Status.Should().Be(TaskState.Cancelled);
        (await ceo.PostAsync($"/api/workflow-runs/{runId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ceo.PostAsync($"/api/workflow-runs/{runId}/steps/letter/retry", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await EventTypesAsync(ceo, runId, "run.cancelled")).Should().Contain("run.cancelled");
    }

    [Fact]
    public async Task Starting_a_run_names_each_wrong_input()
    {
        var (ceo, company) = await fixture.CeoAsync();
        await HireAsync(company, "Ina", "Market Analyst", "Strategy");
        await HireAsync(company, "Ian", "Copywriter", "Marketing");
        await HireAsync(company, "Ivo", "Product Manager", "Product");
        var workflow = await CreateWorkflowAsync(ceo, "Inputs", ProductPipeline());

        var missing = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs = new { maxPrice = "cheap", colour = "red" } });
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("inputs.product", out _).Should().BeTrue(errors.ToString());
        errors.TryGetProperty("inputs.maxPrice", out _).Should().BeTrue(errors.ToString());
        errors.TryGetProperty("inputs.colour", out _).Should().BeTrue(errors.ToString());
        (await ceo.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflow}/runs")).GetArrayLength().Should().Be(0);
        (await ceo.PostAsJsonAsync("/api/workflows/999999/runs", new { inputs = new { product = "x" } })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.GetAsync("/api/workflow-runs/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static JsonNode ProductPipeline()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scenarios", "workflows", "product-pipeline.json");
            if (File.Exists(path))
            {
                return JsonNode.Parse(File.ReadAllText(path))!;
            }
        }

        throw new InvalidOperationException("scenarios/workflows/product-pipeline.json not found above " + AppContext.BaseDirectory);
    }

    private static JsonObject Step(string id, long agentId, string title, string brief, params string[] requires) => new()
    {
        ["id"] = id,
        ["agent"] = new JsonObject { ["id"] = agentId },
        ["title"] = title,
        ["brief"] = brief,
        ["requires"] = new JsonArray(requires.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
    };

    private static JsonElement Step(JsonElement run, string key) =>
        run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("key").GetString() == key);

    private static async Task<long> CreateWorkflowAsync(HttpClient ceo, string name, JsonNode definition)
    {
        var response = await ceo.PostAsJsonAsync("/api/workflows", new { name = $"{name} {Guid.NewGuid():N}", definition });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<long> StartAsync(HttpClient ceo, long workflow, object? inputs)
    {
        var response = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { inputs });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> PostAsync(HttpClient ceo, string path)
    {
        var response = await ceo.PostAsync(path, null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<JsonElement> WaitRunAsync(HttpClient ceo, long runId, Func<JsonElement, bool> done) =>
        Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runId}"), done, RunTimeout, $"workflow run {runId}");

    /// <summary>The types of the run's events, once <paramref name="last"/> is among them (the log shows an event once the transactions before it have ended).</summary>
    private static async Task<List<string>> EventTypesAsync(HttpClient ceo, long runId, string last) =>
        (await EventsAsync(ceo, runId, last)).Select(e => e.GetProperty("type").GetString()!).ToList();

    private static Task<List<JsonElement>> EventsAsync(HttpClient ceo, long runId, string last) =>
        Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/events?limit=1000&stream=workflow-run:{runId}")).GetProperty("events").EnumerateArray().ToList(),
            events => events.Any(e => e.GetProperty("type").GetString() == last),
            TimeSpan.FromSeconds(30),
            $"the events of workflow run {runId} up to {last}");

    private static JsonElement Prop(JsonElement element, string name) =>
        element.EnumerateObject().First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private async Task<TaskDto> TaskAsync(long company, JsonElement step) =>
        await fixture.Grains.GetGrain<ITaskGrain>(step.GetProperty("taskId").GetInt64()).GetAsync(company);

    private async Task<AgentDto> HireAsync(long company, string name, string role, string department)
    {
        using (CallerContext.As("human:1"))
        {
            return await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = company,
                Profile = new AgentProfile { FirstName = name, LastName = Guid.NewGuid().ToString("N")[..6], Role = role, Department = department, Model = "offline" },
            });
        }
    }
}
