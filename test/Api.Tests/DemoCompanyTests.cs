using System.Net;
using System.Net.Http.Json;
using FluidManager.Scenarios;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FluidManager.Api.Tests;

/// <summary>The demo company loaded on first start (Fluid:Demo:Load), and the scenario format it is written in.</summary>
public sealed class DemoCompanyTests : IAsyncLifetime
{
    private string _database = "";
    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-demo-objects-").FullName;

    public async Task InitializeAsync() =>
        _database = await TestCluster.CreateDatabaseAsync("demo", typeof(Runtime.Hosting.FluidRuntimeHostingExtensions).Assembly, typeof(Grains.GrainsHostingExtensions).Assembly);

    public async Task DisposeAsync()
    {
        await TestCluster.DropDatabaseAsync(_database);
        Directory.Delete(_storage, recursive: true);
    }

    [Fact]
    public async Task The_first_start_loads_the_demo_company_and_a_restart_does_not_load_it_again()
    {
        await using (var first = Start())
        {
            using var ceo = await SignInAsync(first);
            var agents = await (await ceo.GetAsync("/api/agents")).ReadJsonAsync();
            agents.GetArrayLength().Should().BeGreaterThanOrEqualTo(10);
            var chart = await (await ceo.GetAsync("/api/org/chart")).ReadJsonAsync();
            chart.GetProperty("root").GetProperty("reports").GetArrayLength().Should().BeGreaterThanOrEqualTo(4);
            chart.GetProperty("levels").GetInt32().Should().BeGreaterThanOrEqualTo(4);
            var tasks = await (await ceo.GetAsync("/api/tasks?limit=500")).ReadJsonAsync();
            tasks.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("status").GetString()).Should().Contain(["queued", "paused"]);
            tasks.GetProperty("items").EnumerateArray().Should().OnlyContain(t => t.GetProperty("createdBy").GetString()!.StartsWith("human:", StringComparison.Ordinal) || t.GetProperty("createdBy").GetString()!.StartsWith("agent:", StringComparison.Ordinal));
            (await ceo.EventsUntilAsync(null, e => e.Has("policy.denied"))).Should().Contain(e => e.GetProperty("type").GetString() == "inbox.escalation_added");
            (await (await ceo.GetAsync("/api/inbox/escalations")).ReadJsonAsync()).GetArrayLength().Should().Be(1);
            var schedules = (await (await ceo.GetAsync("/api/schedules")).ReadJsonAsync()).EnumerateArray().ToList();
            schedules.Select(s => s.GetProperty("name").GetString()).Should().BeEquivalentTo("Weekly KPI report", "Daily mailbox check");
            schedules.Should().OnlyContain(s => s.GetProperty("timing").GetProperty("timeZone").GetString() == "Europe/Paris" && s.GetProperty("status").GetString() == "active");

            // Agents with history: the facts the CEO told them are in their memory from the start (their finished tasks,
            // lessons and playbook change come from the agent loop and the memory.lesson activities, which silos run).
            long AgentNamed(string firstName) => agents.EnumerateArray().Single(a => a.GetProperty("profile").GetProperty("firstName").GetString() == firstName).GetProperty("id").GetInt64();
            foreach (var name in new[] { "Noah", "Kenji", "Lucas" })
            {
                var progress = await (await ceo.GetAsync($"/api/agents/{AgentNamed(name)}/progress")).ReadJsonAsync();
                progress.GetProperty("memory").GetProperty("fact").GetInt32().Should().Be(1, $"{name} was told one fact");
            }
        }

        await using var second = Start();
        using var again = await SignInAsync(second);
        (await (await again.GetAsync("/api/agents")).ReadJsonAsync()).GetArrayLength().Should().Be(14);
        (await (await again.GetAsync("/api/tasks?limit=500")).ReadJsonAsync()).GetProperty("items").GetArrayLength().Should().Be(18);
        (await (await again.GetAsync("/api/schedules")).ReadJsonAsync()).GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task The_demo_file_is_a_valid_scenario_of_a_company_with_forks()
    {
        var scenario = await ScenarioReader.ReadFileAsync(DemoPath());
        scenario.Agents.Should().HaveCountGreaterThanOrEqualTo(10);
        scenario.Org.Should().ContainKeys("ceo", "cto", "cmo", "head-of-sales", "cfo");
        scenario.Org.Values.Should().Contain(reports => reports.Count >= 2);
        scenario.Missions.Should().HaveCountGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void A_scenario_with_unknown_refs_typos_or_cycles_is_refused_with_every_problem_named()
    {
        var invalid = () => ScenarioReader.Parse("""
            {
              "agents": [ { "ref": "a", "firstName": "A" }, { "ref": "b" }, { "ref": "a" } ],
              "org": { "ceo": ["a"], "a": ["b"], "b": ["a"], "x": ["zz"] },
              "missions": [ { "title": "M", "to": "nobody", "from": "a" } ],
              "schedules": [ { "name": "S", "agent": "ghost", "intervalMinutes": 5, "cron": "0 0 9 * * ?", "task": { "title": "" } } ],
              "steps": [ { "do": "fly", "task": "m" }, { "do": "pause", "task": "unknown" } ],
              "expect": [ { "type": "count", "of": "planets" } ]
            }
            """);
        var problems = invalid.Should().Throw<ScenarioFormatException>().Which.Problems;
        problems.Should().Contain(p => p.StartsWith("agents[2].ref", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("org.x", StringComparison.Ordinal));
        problems.Should().Contain(p => p.Contains("already reports to", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("missions[0].from", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("missions[0].to", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("steps[0].do", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("schedules[0].agent", StringComparison.Ordinal));
        problems.Should().Contain(p => p == "schedules[0]: give exactly one of intervalMinutes and cron");
        problems.Should().Contain(p => p.StartsWith("schedules[0].task.title", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("steps[1].task", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("expect[0].of", StringComparison.Ordinal));

        var typo = () => ScenarioReader.Parse("""{ "missions": [ { "title": "M", "to": "a", "dedline": 3 } ] }""");
        typo.Should().Throw<ScenarioFormatException>().Which.Problems.Single().Should().Contain("dedline");
    }

    private WebApplicationFactory<Program> Start() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("ConnectionStrings:Fluid", _database);
        b.UseSetting("Fluid:Cluster:SiloPort", "0");
        b.UseSetting("Fluid:Cluster:GatewayPort", "0");
        b.UseSetting("Fluid:Bootstrap:OwnerPassword", ApiFixture.OwnerPassword);
        b.UseSetting("Fluid:Storage:Path", _storage);
        b.UseSetting("Fluid:Demo:Load", "true");
        b.UseSetting("Fluid:Demo:Path", DemoPath());
        b.UseEnvironment("Testing");
    });

    private static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = ApiFixture.OwnerEmail, password = ApiFixture.OwnerPassword });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private static string DemoPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scenarios", "demo-company.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException("scenarios/demo-company.json not found above " + AppContext.BaseDirectory);
    }
}
