using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Reminders;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Work.Tests;

/// <summary>
/// Event triggers through the real Api and cluster: committed events of a trigger's type whose payload meets its
/// condition start a workflow run or create a task, each (trigger, event) at most once; loops stop at the depth limit
/// (this cluster: 3) and bursts at the rate limit (this cluster: 5 a minute); an agent's emit_event writes a custom
/// event that a trigger picks up; a schedule starts a workflow run; a trigger that cannot start its run retries,
/// then shows its error and raises a trigger_failing alert.
/// </summary>
public sealed class EventTriggerTests(WorkApiFixture fixture) : IClassFixture<WorkApiFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_task_completed_trigger_starts_a_run_only_when_its_condition_holds_and_each_event_fires_it_once()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var workflow = await TopicWorkflowAsync(ceo, company, "Follow-up");
        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new
        {
            name = "After high-priority work",
            kind = "event",
            eventType = "task.completed",
            condition = "${payload.task.priority} == 'high'",
            inputs = new { topic = "${payload.task.title}" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("secret").ValueKind.Should().Be(JsonValueKind.Null, "an event trigger has no secret");
        var trigger = body.GetProperty("trigger");
        var triggerId = trigger.GetProperty("id").GetInt64();
        trigger.GetProperty("kind").GetString().Should().Be("event");
        trigger.GetProperty("target").GetString().Should().Be("workflow");
        trigger.GetProperty("eventType").GetString().Should().Be("task.completed");
        (await ceo.GetFromJsonAsync<JsonElement>("/api/triggers")).EnumerateArray().Should().Contain(t => t.GetProperty("id").GetInt64() == triggerId);

        try
        {
            var agent = await HireAsync(company, "Olga", "offline");
            var routine = await TaskAsync(company, agent, $"Routine check {marker}", TaskPriority.Normal);
            var outage = await TaskAsync(company, agent, $"Server down {marker}", TaskPriority.High);
            await DoneAsync(company, routine.Id);
            await DoneAsync(company, outage.Id);
            var routinePosition = await CompletedPositionAsync(routine.Id);
            var outagePosition = await CompletedPositionAsync(outage.Id);

            var firings = await Eventually.WaitAsync(() => FiringsAsync(ceo, triggerId),
                f => f.Any(x => Position(x) == outagePosition) && f.Any(x => Position(x) == routinePosition), Patience, "both completions decided");
            var started = firings.Single(x => Position(x) == outagePosition);
            started.GetProperty("outcome").GetString().Should().Be("started");
            started.GetProperty("deliveryId").GetString().Should().Be($"event:{outagePosition}");
            started.GetProperty("eventType").GetString().Should().Be("task.completed");
            started.GetProperty("depth").GetInt32().Should().Be(1);
            var runId = started.GetProperty("runId").GetInt64();
            firings.Single(x => Position(x) == routinePosition).GetProperty("outcome").GetString().Should().Be("skipped", "a normal-priority task does not meet the condition");

            var runs = await RunsAsync(ceo, workflow);
            runs.Should().ContainSingle().Which.GetProperty("id").GetInt64().Should().Be(runId);
            var run = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runId}");
            run.GetProperty("inputs").GetProperty("topic").GetString().Should().Be($"Server down {marker}");
            run.GetProperty("startedBy").GetString().Should().Be($"trigger:{triggerId}");
            (await fixture.ScalarAsync<int>("SELECT trigger_depth FROM workflow_runs WHERE id = @id", ("id", runId))).Should().Be(1);

            // Redelivery: the same event offered again (a restart re-reading the log, a second process) starts nothing more.
            var payload = JsonElement.Parse(await fixture.ScalarAsync<string>("SELECT payload::text FROM runtime.events WHERE position = @p", ("p", outagePosition)));
            var again = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.Grains.GetGrain<IEventTriggerGrain>(triggerId).FireAsync(new EventFiringCommand
            {
                CompanyId = company,
                Position = outagePosition,
                Stream = $"task:{outage.Id}",
                Type = "task.completed",
                Payload = payload,
            })));
            again.Should().OnlyContain(f => f.Duplicate && f.Outcome == "started" && f.RunId == runId);
            await fixture.ExecuteAsync("UPDATE event_trigger_cursor SET position = @p", ("p", Math.Min(routinePosition, outagePosition) - 1));
            await Eventually.WaitAsync(() => fixture.ScalarAsync<long>("SELECT position FROM event_trigger_cursor"), p => p >= outagePosition, Patience, "the log read again");
            (await RunsAsync(ceo, workflow)).Should().ContainSingle();
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM workflow_trigger_firings WHERE trigger_id = @t AND event_position IN (@a, @b)",
                ("t", triggerId), ("a", routinePosition), ("b", outagePosition))).Should().Be(2);
        }
        finally
        {
            await ceo.DeleteAsync($"/api/triggers/{triggerId}");
        }
    }

    [Fact]
    public async Task A_trigger_whose_task_completes_with_the_event_it_listens_to_stops_at_the_depth_limit_with_a_limited_event()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var agent = await HireAsync(company, "Lou", "offline");
        var title = $"Echo {marker}";
        var created = await ceo.PostAsJsonAsync("/api/triggers", new
        {
            name = "Echo",
            kind = "event",
            eventType = "task.completed",
            condition = $"${{payload.task.title}} == '{title}'",
            target = "task",
            task = new { title, description = "Again, after task ${payload.task.id}.", agentId = agent },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var trigger = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trigger");
        var triggerId = trigger.GetProperty("id").GetInt64();
        trigger.GetProperty("target").GetString().Should().Be("task");
        trigger.GetProperty("workflowId").ValueKind.Should().Be(JsonValueKind.Null);

        try
        {
            await TaskAsync(company, agent, title, TaskPriority.Normal);
            var firings = await Eventually.WaitAsync(() => FiringsAsync(ceo, triggerId), f => f.Any(x => x.GetProperty("outcome").GetString() == "limited"), Patience * 2, "the loop to hit its limit");

            var started = firings.Where(x => x.GetProperty("outcome").GetString() == "started").ToList();
            started.Select(x => x.GetProperty("depth").GetInt32()).Should().BeEquivalentTo([1, 2, 3]);
            started.Should().OnlyContain(x => x.GetProperty("taskId").ValueKind == JsonValueKind.Number);
            var limited = firings.Single(x => x.GetProperty("outcome").GetString() == "limited");
            limited.GetProperty("depth").GetInt32().Should().Be(4);
            limited.GetProperty("error").GetString().Should().Contain("MaxDepth");

            var events = await fixture.ListAsync("SELECT payload::text FROM runtime.events WHERE stream = @s AND type = 'trigger.limited'",
                r => JsonElement.Parse(r.GetString(0)), ("s", $"trigger:{triggerId}"));
            var limitedEvent = events.Should().ContainSingle().Subject;
            limitedEvent.GetProperty("reason").GetString().Should().Be("depth");
            limitedEvent.GetProperty("limit").GetInt32().Should().Be(3);

            var depths = await fixture.ListAsync("SELECT trigger_depth FROM tasks WHERE company_id = @c AND title = @t ORDER BY id", r => r.GetInt32(0), ("c", company), ("t", title));
            depths.Should().Equal(0, 1, 2, 3);
            var last = await fixture.ScalarAsync<long>("SELECT max(id) FROM tasks WHERE company_id = @c AND title = @t", ("c", company), ("t", title));
            (await fixture.ScalarAsync<string>("SELECT description FROM tasks WHERE id = @id", ("id", last))).Should().StartWith("Again, after task ").And.Contain("Created by the trigger \"Echo\"");
        }
        finally
        {
            await ceo.DeleteAsync($"/api/triggers/{triggerId}");
        }
    }

    [Fact]
    public async Task More_firings_than_the_rate_limit_in_a_minute_are_recorded_as_limited()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var created = await ceo.PostAsJsonAsync("/api/triggers", new
        {
            name = "Ticks",
            kind = "event",
            eventType = $"custom.tick_{marker}",
            target = "task",
            task = new { title = "Tick ${event.position}" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var triggerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trigger").GetProperty("id").GetInt64();
        try
        {
            var outcomes = new List<EventFiringDto>();
            for (var i = 1; i <= 6; i++)
            {
                outcomes.Add(await fixture.Grains.GetGrain<IEventTriggerGrain>(triggerId).FireAsync(new EventFiringCommand
                {
                    CompanyId = company,
                    Position = 9_000_000_000_000 + i,
                    Stream = "company:" + company.ToString(CultureInfo.InvariantCulture),
                    Type = $"custom.tick_{marker}",
                    Payload = JsonElement.Parse("{}"),
                }));
            }

            outcomes.Take(5).Should().OnlyContain(o => o.Outcome == "started" && o.TaskId != null);
            outcomes[5].Outcome.Should().Be("limited");
            outcomes[5].Error.Should().Contain("MaxFiringsPerMinute");
            (await fixture.ScalarAsync<string>("SELECT title FROM tasks WHERE id = @id", ("id", outcomes[0].TaskId!.Value))).Should().Be("Tick 9000000000001");
            (await fixture.ScalarAsync<string>("SELECT payload->>'reason' FROM runtime.events WHERE stream = @s AND type = 'trigger.limited'", ("s", $"trigger:{triggerId}")))
                .Should().Be("rate");
        }
        finally
        {
            await ceo.DeleteAsync($"/api/triggers/{triggerId}");
        }
    }

    [Fact]
    public async Task An_agents_emit_event_writes_a_custom_event_that_an_event_trigger_turns_into_a_run()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var scenario = "emit-" + marker;
        fixture.AddScenario(scenario, $$"""
            { "turns": [
              { "agent": "Erin", "lastMessage": "Qualify the lead",
                "toolCalls": [ { "name": "emit_event", "arguments": { "name": "lead_qualified", "payload": { "lead": "Acme {{marker}}", "score": 90 } } } ] },
              { "agent": "Erin", "lastMessage": "written",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Qualified." } } ] } ] }
            """);
        var agent = await HireAsync(company, "Erin", "scripted:" + scenario, [AgentTools.Events]);
        var workflow = await TopicWorkflowAsync(ceo, company, "Lead follow-up");
        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new
        {
            name = "Qualified leads",
            kind = "event",
            eventType = "custom.lead_qualified",
            condition = "${payload.data.score} >= 50",
            inputs = new { topic = "${payload.data.lead}" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var triggerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trigger").GetProperty("id").GetInt64();
        try
        {
            var task = await TaskAsync(company, agent, $"Qualify the lead {marker}", TaskPriority.Normal);
            var done = await DoneAsync(company, task.Id);
            done.Result.Should().Be("Qualified.");

            var emitted = await fixture.ListAsync("SELECT stream, payload::text FROM runtime.events WHERE company_id = @c AND type = 'custom.lead_qualified' AND stream = @s",
                r => (Stream: r.GetString(0), Payload: JsonElement.Parse(r.GetString(1))), ("c", company), ("s", $"task:{task.Id}"));
            var custom = emitted.Should().ContainSingle().Subject;
            custom.Payload.GetProperty("agentId").GetInt64().Should().Be(agent);
            custom.Payload.GetProperty("data").GetProperty("score").GetInt32().Should().Be(90);
            (await fixture.ScalarAsync<string>("SELECT outcome FROM tool_calls WHERE task_id = @t AND tool = 'emit_event'", ("t", task.Id))).Should().Be("ok");

            var runs = await Eventually.WaitAsync(() => RunsAsync(ceo, workflow), r => r.Count == 1, Patience, "the run the custom event starts");
            var run = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runs[0].GetProperty("id").GetInt64()}");
            run.GetProperty("inputs").GetProperty("topic").GetString().Should().Be($"Acme {marker}");

            // What the tool refuses, named: a name that is not one, a payload that is not an object or is too big.
            var events = fixture.Grains.GetGrain<ICustomEventsGrain>(company);
            var badName = await FluentActions.Awaiting(() => events.EmitAsync(new EmitEventCommand { CompanyId = company, AgentId = agent, Name = "Lead Qualified!" }))
                .Should().ThrowAsync<ValidationException>();
            badName.Which.Errors.Should().ContainKey("name");
            var notObject = await FluentActions.Awaiting(() => events.EmitAsync(new EmitEventCommand { CompanyId = company, AgentId = agent, Name = "x", Payload = JsonElement.Parse("[1,2]") }))
                .Should().ThrowAsync<ValidationException>();
            notObject.Which.Errors["payload"].Single().Should().Contain("object");
            var big = JsonSerializer.SerializeToElement(new { text = new string('a', 20_000) });
            var tooBig = await FluentActions.Awaiting(() => events.EmitAsync(new EmitEventCommand { CompanyId = company, AgentId = agent, Name = "x", Payload = big }))
                .Should().ThrowAsync<ValidationException>();
            tooBig.Which.Errors["payload"].Single().Should().Contain("16384");

            // An agent without the events right is not offered the tool.
            var capabilities = await ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{agent}/capabilities");
            capabilities.ToString().Should().Contain("emit_event");
            var plain = await HireAsync(company, "Pat", "offline");
            (await ceo.GetFromJsonAsync<JsonElement>($"/api/agents/{plain}/capabilities")).ToString().Should().NotContain("emit_event");
        }
        finally
        {
            await ceo.DeleteAsync($"/api/triggers/{triggerId}");
        }
    }

    [Fact]
    public async Task A_schedule_set_to_a_workflow_starts_a_run_with_its_inputs_when_it_fires()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var workflow = await TopicWorkflowAsync(ceo, company, "Digest");
        var owner = await HireAsync(company, "Sol", "offline");

        var wrong = await ceo.PostAsJsonAsync("/api/schedules", new
        {
            name = $"Digest {marker}", agentId = owner, workflowId = workflow, workflowInputs = new { colour = "red" }, timing = new { intervalMinutes = 60 },
        });
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("workflowInputs.topic", out _).Should().BeTrue(errors.ToString());

        var created = await ceo.PostAsJsonAsync("/api/schedules", new
        {
            name = $"Digest {marker}", agentId = owner, workflowId = workflow, workflowInputs = new { topic = $"Weekly digest {marker}" }, timing = new { intervalMinutes = 60 },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var schedule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var scheduleId = schedule.GetProperty("id").GetInt64();
        schedule.GetProperty("workflowId").GetInt64().Should().Be(workflow);

        await fixture.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() - interval '1 minute' WHERE grain_type = 'schedule' AND grain_key = @key",
            ("key", scheduleId.ToString(CultureInfo.InvariantCulture)));
        await fixture.Silo.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IOverdueReminders>(GrainId.Create("schedule", scheduleId.ToString(CultureInfo.InvariantCulture))).FireIfDueAsync("fire");

        var runs = await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/schedules/{scheduleId}/runs"), r => r.GetArrayLength() >= 1, Patience, "the schedule's firing");
        var firing = runs[0];
        firing.GetProperty("outcome").GetString().Should().Be("started");
        firing.GetProperty("taskId").ValueKind.Should().Be(JsonValueKind.Null, "a workflow schedule creates no task of its own");
        var runId = firing.GetProperty("runId").GetInt64();
        var run = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runId}");
        run.GetProperty("workflowId").GetInt64().Should().Be(workflow);
        run.GetProperty("inputs").GetProperty("topic").GetString().Should().Be($"Weekly digest {marker}");
        run.GetProperty("startedBy").GetString().Should().Be($"schedule:{scheduleId}");

        // The company export names the schedule's workflow and inputs.
        var exported = JsonNode.Parse(await ceo.GetStringAsync("/api/company/export"))!["sections"]!["schedules"]!.AsArray();
        var item = exported.Single(s => s!["name"]!.GetValue<string>() == $"Digest {marker}")!;
        item["workflowInputs"]!["topic"]!.GetValue<string>().Should().Be($"Weekly digest {marker}");
        item["workflow"]!.GetValue<string>().Should().StartWith("Digest ");
        (await ceo.DeleteAsync($"/api/schedules/{scheduleId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_trigger_that_cannot_start_its_run_retries_then_shows_its_error_and_raises_a_trigger_failing_alert_until_it_works()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var marker = Marker();
        var workflow = await TopicWorkflowAsync(ceo, company, "Orders");
        var type = $"custom.order_{marker}";
        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = $"Orders {marker}", kind = "event", eventType = type, inputs = new { } });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var triggerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trigger").GetProperty("id").GetInt64();

        // Bad input names the field.
        var bad = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "Bad", kind = "event", eventType = "Task Completed", condition = "${payload.x} ==", inputs = new { topic = "${secret.x}" } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var badErrors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        badErrors.TryGetProperty("eventType", out _).Should().BeTrue(badErrors.ToString());
        badErrors.TryGetProperty("condition", out _).Should().BeTrue(badErrors.ToString());
        badErrors.TryGetProperty("inputs.topic", out _).Should().BeTrue(badErrors.ToString());
        var noTask = await ceo.PostAsJsonAsync("/api/triggers", new { name = "No task", kind = "event", eventType = "task.completed", target = "task" });
        (await noTask.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("task", out _).Should().BeTrue();
        var rotate = await ceo.PostAsync($"/api/triggers/{triggerId}/secret", null);
        rotate.StatusCode.Should().Be(HttpStatusCode.BadRequest, "an event trigger has no secret");

        try
        {
            var agent = await HireAsync(company, "Ivo", "offline");
            var events = fixture.Grains.GetGrain<ICustomEventsGrain>(company);
            await events.EmitAsync(new EmitEventCommand { CompanyId = company, AgentId = agent, Name = type, Payload = JsonElement.Parse("""{"order":"A-1"}""") });

            var failed = (await Eventually.WaitAsync(() => FiringsAsync(ceo, triggerId), f => f.Count == 1, Patience, "the failed firing")).Single();
            failed.GetProperty("outcome").GetString().Should().Be("failed");
            failed.GetProperty("attempts").GetInt32().Should().Be(3, "the cluster tries a firing three times");
            failed.GetProperty("error").GetString().Should().Contain("inputs.topic");
            var shown = await ceo.GetFromJsonAsync<JsonElement>($"/api/triggers/{triggerId}");
            shown.GetProperty("lastError").GetString().Should().Contain("inputs.topic");
            (await RunsAsync(ceo, workflow)).Should().BeEmpty();

            await fixture.Grains.GetGrain<IAlertsGrain>(company).EvaluateAsync(company);
            var alert = (await AlertsAsync(company)).Single(a => a.Kind == AlertKind.TriggerFailing && a.Cause == $"trigger:{triggerId}");
            alert.Subject.Should().Contain($"Orders {marker}");
            alert.Detail.Should().Contain("inputs.topic");

            // Fixed: the next event starts a run, the error clears and the alert resolves.
            var fixedUp = await ceo.PutAsJsonAsync($"/api/triggers/{triggerId}", new { name = $"Orders {marker}", eventType = type, inputs = new { topic = "Order ${payload.data.order}" } });
            fixedUp.StatusCode.Should().Be(HttpStatusCode.OK, await fixedUp.Content.ReadAsStringAsync());
            await events.EmitAsync(new EmitEventCommand { CompanyId = company, AgentId = agent, Name = type, Payload = JsonElement.Parse("""{"order":"A-2"}""") });
            var runs = await Eventually.WaitAsync(() => RunsAsync(ceo, workflow), r => r.Count == 1, Patience, "the run of the fixed trigger");
            (await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runs[0].GetProperty("id").GetInt64()}")).GetProperty("inputs").GetProperty("topic").GetString().Should().Be("Order A-2");
            (await ceo.GetFromJsonAsync<JsonElement>($"/api/triggers/{triggerId}")).GetProperty("lastError").ValueKind.Should().Be(JsonValueKind.Null);
            await fixture.Grains.GetGrain<IAlertsGrain>(company).EvaluateAsync(company);
            (await AlertsAsync(company)).Single(a => a.Id == alert.Id).ResolvedAt.Should().NotBeNull();

            // The company export carries the event trigger.
            var exported = JsonNode.Parse(await ceo.GetStringAsync("/api/company/export"))!["sections"]!["workflowTriggers"]!.AsArray();
            var item = exported.Single(t => t!["name"]!.GetValue<string>() == $"Orders {marker}")!;
            item["kind"]!.GetValue<string>().Should().Be("event");
            item["eventType"]!.GetValue<string>().Should().Be(type);
            item["inputs"]!["topic"]!.GetValue<string>().Should().Be("Order ${payload.data.order}");
        }
        finally
        {
            await ceo.DeleteAsync($"/api/triggers/{triggerId}");
        }
    }

    private static string Marker() => Guid.NewGuid().ToString("N")[..8];

    private static long? Position(JsonElement firing) =>
        firing.GetProperty("eventPosition").ValueKind == JsonValueKind.Number ? firing.GetProperty("eventPosition").GetInt64() : null;

    private async Task<IReadOnlyList<AlertDto>> AlertsAsync(long company) =>
        await fixture.Grains.GetGrain<IAlertsGrain>(company).ListAsync(new ListAlertsQuery(company, Limit: 500));

    private async Task<long> CompletedPositionAsync(long taskId) =>
        await Eventually.WaitAsync(() => fixture.ScalarAsync<long>("SELECT COALESCE(max(position), 0) FROM runtime.events WHERE stream = @s AND type = 'task.completed'", ("s", $"task:{taskId}")),
            p => p > 0, Patience, $"task {taskId}'s completion event");

    private static async Task<List<JsonElement>> FiringsAsync(HttpClient ceo, long triggerId) =>
        (await ceo.GetFromJsonAsync<JsonElement>($"/api/triggers/{triggerId}/firings")).EnumerateArray().ToList();

    private static async Task<List<JsonElement>> RunsAsync(HttpClient ceo, long workflow) =>
        (await ceo.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflow}/runs")).EnumerateArray().ToList();

    private Task<TaskDto> DoneAsync(long company, long taskId) =>
        Eventually.WaitAsync(() => fixture.Grains.GetGrain<ITaskGrain>(taskId).GetAsync(company), t => t.Status == TaskState.Done, Patience, $"task {taskId} to be done");

    private async Task<long> HireAsync(long company, string name, string model, IReadOnlyList<string>? tools = null)
    {
        using (CallerContext.As("human:1"))
        {
            return (await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = company,
                Profile = new AgentProfile
                {
                    FirstName = name, LastName = Marker()[..6], Role = "Analyst", Department = "Operations", Model = model, AllowedTools = tools ?? [],
                },
            })).Id;
        }
    }

    private async Task<TaskDto> TaskAsync(long company, long agent, string title, TaskPriority priority)
    {
        using (CallerContext.As("human:1"))
        {
            return await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateTaskAsync(new CreateTaskCommand { CompanyId = company, Title = title, AssigneeAgentId = agent, Priority = priority });
        }
    }

    private async Task<long> TopicWorkflowAsync(HttpClient ceo, long company, string name)
    {
        var agent = await HireAsync(company, "Tess", "offline");
        var definition = new JsonObject
        {
            ["inputs"] = new JsonObject { ["topic"] = new JsonObject { ["type"] = "string", ["required"] = true } },
            ["steps"] = new JsonArray(new JsonObject
            {
                ["id"] = "write",
                ["agent"] = new JsonObject { ["id"] = agent },
                ["title"] = "Write about ${inputs.topic}",
                ["brief"] = "A short note on ${inputs.topic}.",
            }),
        };
        var response = await ceo.PostAsJsonAsync("/api/workflows", new { name = $"{name} {Guid.NewGuid():N}", definition });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
