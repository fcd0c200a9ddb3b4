using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using FluidManager.Grains;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Models.Scripted;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Work.Tests;

/// <summary>
/// The real Api host and a silo host (agent work and pumps) on one database, together one Orleans cluster:
/// the Api decides, the silo works, and grain calls go to whichever of them holds the grain.
/// </summary>
public class WorkApiFixture : DatabaseFixture
{
    public const string OwnerPassword = "owner-password-for-work-tests";

    private WebApplicationFactory<Program>? _api;
    private IHost? _silo;
    private string? _storage;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    /// <summary>Delay of each offline answer, so a test can act while a step's task is still at work.</summary>
    protected virtual int OfflineLatencyMs => 0;

    public IGrainFactory Grains => _silo!.Services.GetRequiredService<IGrainFactory>();

    public IHost Silo => _silo!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _storage = Directory.CreateTempSubdirectory("fluid-work-api-").FullName;
        var settings = WorkFixture.Settings(ConnectionString, _storage, OfflineLatencyMs);
        foreach (var (key, value) in TestSilos.ClusterSettings(TestSilos.NewClusterId("work-api")))
        {
            settings[key] = value;
        }

        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // The silo's settings (grains of either silo may run on the Api: they price calls alike); the Api migrates.
            foreach (var (key, value) in settings.Where(s => s.Key != "Fluid:Runtime:MigrateOnStart"))
            {
                b.UseSetting(key, value);
            }

            b.UseSetting("Fluid:Silo:Name", "api");
            b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
            b.UseEnvironment("Testing");
            ConfigureApi(b);
        });
        using var warmUp = _api.CreateClient(); // starts the Api: it applies any migration the template lacks
        _silo = await TestSilos.StartHostAsync(settings, builder => WorkFixture.AddSilo(builder));
        await TestSilos.WaitForActiveSilosAsync([_silo.Services, _api.Services], 2);
    }

    /// <summary>Settings a derived fixture adds to the Api's.</summary>
    protected virtual void ConfigureApi(IWebHostBuilder builder)
    {
    }

    public override async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await TestSilos.StopHostAsync(_silo);
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_storage is not null)
        {
            Directory.Delete(_storage, recursive: true);
        }

        await base.DisposeAsync();
    }

    /// <summary>A client of the Api with no session and no token (with <paramref name="cookies"/>, one that keeps the session it signs in to).</summary>
    public HttpClient AnonymousClient(bool cookies = false) => _api!.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = cookies, AllowAutoRedirect = false });

    /// <summary>Adds a scripted scenario (model id <c>scripted:{name}</c>) on the Api and the silo (either may run the calls).</summary>
    public void AddScenario(string name, string json)
    {
        foreach (var services in new[] { _api!.Services, _silo!.Services })
        {
            services.GetService<ScenarioLibrary>()?.Add(Scenario.Parse(json, name));
        }
    }

    /// <summary>The owner (ceo of the bootstrap company), signed in; and that company's id.</summary>
    public async Task<(HttpClient Client, long CompanyId)> CeoAsync()
    {
        var client = _api!.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = "owner@fluid.local", password = OwnerPassword });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        return (client, me.GetProperty("company").GetProperty("id").GetInt64());
    }
}

public sealed class WorkApiTests(WorkApiFixture fixture) : IClassFixture<WorkApiFixture>
{
    [Fact]
    public async Task The_CEO_works_the_approvals_inbox_and_reads_costs_budget_and_trace_through_the_api()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var agent = await HireAsync(company, "Sam", "Copywriter", "Marketing", "offline");
        var first = await CreateTaskAsync(company, agent.Id, "Publish the spring newsletter");
        var second = await CreateTaskAsync(company, agent.Id, "Publish the summer newsletter");

        // The inbox lists what waits, oldest first.
        var pending = await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>("/api/approvals"), a => a.GetArrayLength() == 2, TimeSpan.FromSeconds(30), "two pending approvals");
        pending.EnumerateArray().Select(a => a.GetProperty("taskId").GetInt64()).Should().BeEquivalentTo([first.Id, second.Id]);
        pending.EnumerateArray().Select(a => a.GetProperty("requestedAt").GetDateTimeOffset()).Should().BeInAscendingOrder();
        pending.EnumerateArray().Should().OnlyContain(a => a.GetProperty("status").GetString() == "pending" && a.GetProperty("kind").GetString() == "publication");
        var approvals = pending.EnumerateArray().ToDictionary(a => a.GetProperty("taskId").GetInt64(), a => a.GetProperty("id").GetInt64());
        var firstApproval = approvals[first.Id];
        var secondApproval = approvals[second.Id];

        var approved = await ceo.PostAsJsonAsync($"/api/approvals/{firstApproval}/approve", new { comment = "Ship it." });
        approved.StatusCode.Should().Be(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        var decision = await approved.Content.ReadFromJsonAsync<JsonElement>();
        decision.GetProperty("status").GetString().Should().Be("approved");
        decision.GetProperty("comment").GetString().Should().Be("Ship it.");
        decision.GetProperty("decidedBy").GetString().Should().StartWith("human:");
        var again = await ceo.PostAsJsonAsync($"/api/approvals/{firstApproval}/approve", new { comment = "Twice?" });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("approval.decided");

        var rejected = await ceo.PostAsJsonAsync($"/api/approvals/{secondApproval}/reject", new { comment = "Too early in the year." });
        rejected.StatusCode.Should().Be(HttpStatusCode.OK);

        var done = await WaitAsync(company, first.Id, TaskState.Done);
        done.Result.Should().Contain("Approved by the CEO");
        var failed = await WaitAsync(company, second.Id, TaskState.Failed);
        failed.StatusReason.Should().Contain("Too early in the year.");
        (await ceo.GetFromJsonAsync<JsonElement>("/api/approvals")).GetArrayLength().Should().Be(0);
        (await ceo.GetFromJsonAsync<JsonElement>("/api/approvals?status=all")).GetArrayLength().Should().Be(2);
        (await ceo.GetAsync("/api/approvals?status=maybe")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // Trace: the run, every model call and every tool call.
        var run = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{first.Id}/run");
        run.GetProperty("status").GetString().Should().Be("stopped");
        var llmCalls = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{first.Id}/llm-calls");
        llmCalls.GetArrayLength().Should().Be(run.GetProperty("step").GetInt32());
        var toolCalls = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{first.Id}/tool-calls");
        toolCalls.EnumerateArray().Select(t => t.GetProperty("tool").GetString()).Should().Equal("write_worklog", "create_artifact", "request_approval", "complete_task");
        toolCalls.EnumerateArray().Should().OnlyContain(t => t.GetProperty("allowed").GetBoolean());

        // Costs from the views: by agent, the same total as the calls themselves.
        var spent = llmCalls.EnumerateArray().Sum(c => c.GetProperty("cost").GetDecimal())
            + (await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{second.Id}/llm-calls")).EnumerateArray().Sum(c => c.GetProperty("cost").GetDecimal());
        spent.Should().BeGreaterThan(0);
        var byAgent = await ceo.GetFromJsonAsync<JsonElement>("/api/costs?groupBy=agent");
        byAgent.GetProperty("total").GetProperty("cost").GetDecimal().Should().Be(spent);
        byAgent.GetProperty("rows").GetArrayLength().Should().Be(1);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var byDay = await ceo.GetFromJsonAsync<JsonElement>($"/api/costs?groupBy=day&from={today}&to={today}");
        byDay.GetProperty("rows").EnumerateArray().Should().ContainSingle().Which.GetProperty("key").GetString().Should().Be(today);
        var byDepartment = await ceo.GetFromJsonAsync<JsonElement>("/api/costs?groupBy=department");
        byDepartment.GetProperty("rows")[0].GetProperty("label").GetString().Should().Be("Marketing");
        var invalid = await ceo.GetAsync("/api/costs?groupBy=colour");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("groupBy", out _).Should().BeTrue();
        var subtree = await ceo.GetFromJsonAsync<JsonElement>($"/api/costs/agents/{agent.Id}?subtree=true");
        subtree.GetProperty("own").GetProperty("cost").GetDecimal().Should().Be(spent);
        (await ceo.GetAsync("/api/costs/agents/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // The monthly budget.
        var set = await ceo.PutAsJsonAsync("/api/costs/budget", new { monthlyLimit = 12.5m });
        set.StatusCode.Should().Be(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var budget = await ceo.GetFromJsonAsync<JsonElement>("/api/costs/budget");
        budget.GetProperty("monthlyLimit").GetDecimal().Should().Be(12.5m);
        budget.GetProperty("spent").GetDecimal().Should().Be(spent);
        (await ceo.PutAsJsonAsync("/api/costs/budget", new { monthlyLimit = -1m })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_agents_question_is_answered_through_the_api_and_the_task_goes_on()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var scenario = "api-question-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Silo.Services.GetRequiredService<ScenarioLibrary>().Add(Scenario.Parse("""
            { "turns": [
              { "agent": "Kim", "lastMessage": "Name the product",
                "toolCalls": [ { "name": "request_clarification", "arguments": { "question": "Is the name for the US market only?" } } ] },
              { "agent": "Kim", "lastMessage": "worldwide",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Name: Atlas." } } ] } ] }
            """, scenario));
        var agent = await HireAsync(company, "Kim", "Brand Manager", "Marketing", "scripted:" + scenario);
        var task = await CreateTaskAsync(company, agent.Id, "Name the product");

        var open = await Eventually.WaitAsync(() => ceo.GetFromJsonAsync<JsonElement>($"/api/clarifications?taskId={task.Id}"), a => a.GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the question");
        open[0].GetProperty("question").GetString().Should().Contain("US market");
        var id = open[0].GetProperty("id").GetInt64();
        var answered = await ceo.PostAsJsonAsync($"/api/clarifications/{id}/answer", new { answer = "Worldwide." });
        answered.StatusCode.Should().Be(HttpStatusCode.OK, await answered.Content.ReadAsStringAsync());
        (await ceo.PostAsJsonAsync($"/api/clarifications/{id}/answer", new { answer = "Again." })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ceo.PostAsJsonAsync($"/api/clarifications/{id}/answer", new { answer = "" })).StatusCode.Should().BeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.Conflict);

        var done = await WaitAsync(company, task.Id, TaskState.Done);
        done.Result.Should().Be("Name: Atlas.");
    }

    /// <summary>
    /// Here rather than with the Api's own tests, which run the Api alone: the open subtasks cancel themselves in
    /// their own turns, from the messages the parent's cancel posts, and a silo's pump delivers them.
    /// </summary>
    [Fact]
    public async Task Cancel_with_cascade_cancels_open_subtasks_and_the_subtask_tree_shows_them()
    {
        var (ceo, _) = await fixture.CeoAsync();
        async Task<long> CreateAsync(object request) =>
            (await (await ceo.PostAsJsonAsync("/api/tasks", request)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        async Task<JsonElement> TaskAsync(long id) => await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
        var parent = await CreateAsync(new { title = "Parent" });
        var child = await CreateAsync(new { title = "Child", parentTaskId = parent });
        var grandchild = await CreateAsync(new { title = "Grandchild", parentTaskId = child });

        var tree = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{parent}/subtasks");
        tree[0].GetProperty("task").GetProperty("id").GetInt64().Should().Be(child);
        tree[0].GetProperty("subtasks")[0].GetProperty("task").GetProperty("id").GetInt64().Should().Be(grandchild);

        var response = await ceo.PostAsJsonAsync($"/api/tasks/{parent}/cancel", new { cascade = true, reason = "Out of scope" });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var cancelled = await response.Content.ReadFromJsonAsync<JsonElement>();
        cancelled.GetProperty("status").GetString().Should().Be("cancelled");
        cancelled.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).Should().Equal("comment");
        var cancelledGrandchild = await Eventually.WaitAsync(() => TaskAsync(grandchild), t => t.GetProperty("status").GetString() != "queued",
            TimeSpan.FromSeconds(60), "the cascade reaching the grandchild");
        cancelledGrandchild.GetProperty("status").GetString().Should().Be("cancelled");
        (await TaskAsync(child)).GetProperty("status").GetString().Should().Be("cancelled");
        tree = await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{parent}/subtasks");
        tree[0].GetProperty("task").GetProperty("status").GetString().Should().Be("cancelled");
        tree[0].GetProperty("subtasks")[0].GetProperty("task").GetProperty("status").GetString().Should().Be("cancelled");
    }

    private async Task<AgentDto> HireAsync(long company, string name, string role, string department, string model)
    {
        using (CallerContext.As("human:1"))
        {
            return await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = company,
                Profile = new AgentProfile { FirstName = name, LastName = "Api", Role = role, Department = department, Model = model },
            });
        }
    }

    private async Task<TaskDto> CreateTaskAsync(long company, long agentId, string title)
    {
        using (CallerContext.As("human:1"))
        {
            return await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateTaskAsync(new CreateTaskCommand { CompanyId = company, Title = title, AssigneeAgentId = agentId });
        }
    }

    private Task<TaskDto> WaitAsync(long company, long taskId, TaskState state) =>
        Eventually.WaitAsync(() => fixture.Grains.GetGrain<ITaskGrain>(taskId).GetAsync(company), t => t.Status == state, TimeSpan.FromSeconds(30), $"task {taskId} to be {state}");
}
