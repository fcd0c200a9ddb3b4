using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;
using Xunit.Abstractions;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// The Api and a silo as processes, an agent on the scripted model (test/EndToEnd.Tests/Scenarios), the silos'
/// activity leases short so that a killed silo's work is taken over within seconds, and no demo company.
/// </summary>
public sealed class ExternalCallSystem : RunningSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Fluid__Models__Scripted__ScenarioPath"] = Path.Combine(AppContext.BaseDirectory, "Scenarios"),
        ["Fluid__Silo__ActivityLease"] = "00:00:02",
    };

    protected override bool LoadsDemo => false;
}

/// <summary>
/// A silo process is killed (SIGKILL) while it holds an approved external MCP call: the call is neither
/// lost nor acted twice, because it carries the activity's id as its idempotency key.
/// </summary>
public sealed class ExternalCallCrashTests(ExternalCallSystem system, ITestOutputHelper output) : IClassFixture<ExternalCallSystem>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_silo_killed_during_an_approved_external_call_leaves_it_to_another_silo_which_calls_again_with_the_same_key_and_the_outside_system_acts_once()
    {
        await using var billing = await SlowMcpServer.StartAsync(TimeSpan.FromSeconds(8));
        using var ceo = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Url, Timeout = TimeSpan.FromSeconds(60) };
        await ReadAsync(await ceo.PostAsJsonAsync("/api/auth/login", new { email = RunningSystem.OwnerEmail, password = RunningSystem.OwnerPassword }));

        // The billing system: its tool is external (open world) and idempotent by its annotations.
        var server = await ReadAsync(await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "billing", transport = "http", url = billing.Url }), HttpStatusCode.Created);
        await ReadAsync(await ceo.PostAsJsonAsync($"/api/mcp/servers/{server.GetProperty("id").GetInt64()}/refresh", new { }));
        var tool = (await ReadAsync(await ceo.GetAsync("/api/mcp/tools"))).EnumerateArray().Single(t => t.GetProperty("name").GetString() == "send_invoice");
        tool.GetProperty("classification").GetString().Should().Be("external");
        var agent = (await ReadAsync(await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "Ivo", lastName = "Invoicer", role = "Accountant", department = "Finance", model = "scripted:external-call", allowedTools = Array.Empty<string>() },
        }), HttpStatusCode.Created)).GetProperty("id").GetInt64();
        await ReadAsync(await ceo.PutAsync($"/api/mcp/agents/{agent}/tools/{tool.GetProperty("id").GetInt64()}", null));

        // The agent calls the tool; the company's rules hold the external action for the CEO, who approves it.
        var task = (await ReadAsync(await ceo.PostAsJsonAsync("/api/tasks", new { title = "Send the invoice of order ORD-7", assigneeAgentId = agent }), HttpStatusCode.Created))
            .GetProperty("id").GetInt64();
        var approval = await Eventually.WaitAsync(
            async () => (await ReadAsync(await ceo.GetAsync($"/api/approvals?taskId={task}"))).EnumerateArray().FirstOrDefault(),
            a => a.ValueKind == JsonValueKind.Object,
            Long,
            "the approval request of the external call");
        approval.GetProperty("kind").GetString().Should().Be("external");
        approval.GetProperty("tool").GetProperty("tool").GetString().Should().Be("billing__send_invoice");
        billing.Calls.Should().BeEmpty("nothing is called before the CEO approves");
        await ReadAsync(await ceo.PostAsJsonAsync($"/api/approvals/{approval.GetProperty("id").GetInt64()}/approve", new { comment = "Send it." }));

        // The only silo process calls the billing system, which holds the call; the silo dies during it.
        await billing.WaitForAsync(b => b.Calls.Count == 1, Long, "the approved call");
        var key = billing.Calls.Single();
        await system.KillSiloAsync("e2e-silo");
        billing.Effects.Should().BeEmpty("the silo was killed while the billing system was still acting");
        output.WriteLine($"killed e2e-silo during the call with idempotency key {key}");

        // Another silo takes the activity over once its lease expires and calls again, with the same key.
        system.StartSilo("e2e-silo-2");
        JsonElement done;
        try
        {
            done = await Eventually.WaitAsync(
                async () => await ReadAsync(await ceo.GetAsync($"/api/tasks/{task}")),
                t => t.GetProperty("status").GetString() is "done" or "failed" or "cancelled",
                Long,
                "the agent's task to finish on the surviving silo");
        }
        catch (TimeoutException ex)
        {
            var trace = await ceo.GetStringAsync($"/api/tasks/{task}/tool-calls");
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}tool calls: {trace}{Environment.NewLine}billing calls [{string.Join(", ", billing.Calls)}], effects [{string.Join(", ", billing.Effects)}]{Environment.NewLine}{system.Logs}", ex);
        }

        done.GetProperty("status").GetString().Should().Be("done", done.ToString() + Environment.NewLine + system.Logs);
        done.GetProperty("result").GetString().Should().Contain("ORD-7 went out");

        billing.Calls.Should().Equal([key, key], "the interrupted call was made again by the other silo with the same idempotency key");
        billing.Effects.Should().Equal([key], "the billing system acted once for the key");
        var calls = (await ReadAsync(await ceo.GetAsync($"/api/tasks/{task}/tool-calls"))).EnumerateArray().ToList();
        var call = calls.Should().ContainSingle(c => c.GetProperty("tool").GetString() == "billing__send_invoice").Subject;
        call.GetProperty("outcome").GetString().Should().Be("ok", call.ToString());
        call.GetProperty("result").GetString().Should().Contain($"invoice ORD-7 sent (idempotency key {key})");
        call.GetProperty("refs").GetProperty("idempotencyKey").GetString().Should().Be(key);
        calls.Should().ContainSingle(c => c.GetProperty("tool").GetString() == "complete_task");
    }

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, body + Environment.NewLine + system.Logs);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
