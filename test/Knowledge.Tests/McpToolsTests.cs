using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Models.Scripted;
using FluidManager.TestSupport;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// MCP servers as tool sources, end to end through the Api and a silo: the reference servers of
/// @modelcontextprotocol (everything, filesystem) over stdio, agents on scripted models, the CEO's
/// grants, classes, approval rules and decisions.
/// </summary>
public sealed class McpToolsTests(McpFixture fixture) : IClassFixture<McpFixture>
{
    private static readonly string[] Finished = ["done", "failed", "cancelled"];

    [Fact]
    public async Task Server_everything_over_stdio_lists_its_tools_a_granted_agent_calls_echo_into_the_trace_and_an_ungranted_agent_is_denied()
    {
        using var ceo = await fixture.CeoAsync();
        var server = await RegisterAsync(ceo, "everything", fixture.EverythingServer, "stdio");
        var refreshed = await PostAsync(ceo, $"/api/mcp/servers/{server}/refresh", new { }, HttpStatusCode.OK);
        refreshed.GetProperty("server").GetProperty("health").GetString().Should().Be("healthy", refreshed.GetProperty("server").GetProperty("healthError").ToString());
        var echo = refreshed.GetProperty("tools").EnumerateArray().Should().ContainSingle(t => t.GetProperty("name").GetString() == "echo").Subject;
        echo.GetProperty("agentName").GetString().Should().Be("everything__echo");
        echo.GetProperty("description").GetString().Should().Be("Echoes back the input string");
        echo.GetProperty("inputSchema").GetProperty("properties").GetProperty("message").GetProperty("type").GetString().Should().Be("string");
        echo.GetProperty("classification").GetString().Should().Be("read"); // readOnlyHint
        refreshed.GetProperty("server").GetProperty("toolCount").GetInt64().Should().Be(refreshed.GetProperty("tools").GetArrayLength()).And.BeGreaterThan(1);

        var scenario = "echo-" + Guid.NewGuid().ToString("N");
        fixture.Scenarios.Add(Scenario.Parse("""
            { "turns": [
              { "lastMessage": "Say hello through the echo tool", "repeat": true,
                "toolCalls": [ { "name": "everything__echo", "arguments": { "message": "hello from fluidManager" } } ] },
              { "lastMessage": "Echo: hello from fluidManager", "repeat": true,
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "The server said: Echo: hello from fluidManager" } } ] },
              { "lastMessage": "denied", "repeat": true,
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "I may not use the echo tool." } } ] } ] }
            """, scenario));
        var granted = await HireAsync(ceo, "Gina", scenario);
        var ungranted = await HireAsync(ceo, "Uma", scenario);
        var grants = await PutAsync(ceo, $"/api/mcp/agents/{granted}/tools/{echo.GetProperty("id").GetInt64()}", new { }, HttpStatusCode.OK);
        grants.EnumerateArray().Select(t => t.GetProperty("agentName").GetString()).Should().Equal("everything__echo");

        var called = await WorkAsync(ceo, granted, "Say hello through the echo tool");
        var refused = await WorkAsync(ceo, ungranted, "Say hello through the echo tool");

        called.GetProperty("status").GetString().Should().Be("done", called.ToString());
        called.GetProperty("result").GetString().Should().Be("The server said: Echo: hello from fluidManager");
        var call = (await TraceAsync(ceo, called)).Should().ContainSingle(c => c.GetProperty("tool").GetString() == "everything__echo").Subject;
        call.GetProperty("outcome").GetString().Should().Be("ok");
        call.GetProperty("result").GetString().Should().Be("ok: Echo: hello from fluidManager");
        call.GetProperty("arguments").GetProperty("message").GetString().Should().Be("hello from fluidManager");
        call.GetProperty("refs").GetProperty("server").GetString().Should().Be("everything");
        call.GetProperty("refs").GetProperty("classification").GetString().Should().Be("read");
        call.GetProperty("durationMs").GetInt64().Should().BeGreaterThanOrEqualTo(0);

        refused.GetProperty("status").GetString().Should().Be("done", refused.ToString());
        refused.GetProperty("result").GetString().Should().Be("I may not use the echo tool.");
        var denied = (await TraceAsync(ceo, refused)).Should().ContainSingle(c => c.GetProperty("tool").GetString() == "everything__echo").Subject;
        denied.GetProperty("allowed").GetBoolean().Should().BeFalse();
        denied.GetProperty("outcome").GetString().Should().Be("denied");
        denied.GetProperty("reason").GetString().Should().Contain("not granted to this agent");
        (await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM runtime.events WHERE type = 'policy.denied' AND payload->>'action' = 'mcp.call' AND (payload->>'fromAgentId')::bigint = @a",
            ("a", ungranted))).Should().Be(1);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM mcp_call_journal WHERE status = 'finished'")).Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_write_tool_the_policy_holds_for_approval_runs_once_approved_and_a_rejected_one_writes_nothing_and_the_agent_reads_why()
    {
        using var ceo = await fixture.CeoAsync();
        var folder = Directory.CreateTempSubdirectory("fluid-mcp-files-").FullName;
        try
        {
            var server = await RegisterAsync(ceo, "files", fixture.FilesystemServer, folder);
            var tools = (await PostAsync(ceo, $"/api/mcp/servers/{server}/refresh", new { }, HttpStatusCode.OK)).GetProperty("tools");
            var write = tools.EnumerateArray().Should().ContainSingle(t => t.GetProperty("name").GetString() == "write_file").Subject;
            write.GetProperty("classification").GetString().Should().Be("write"); // not read-only, not open world
            await PostAsync(ceo, "/api/policies/rules", new
            {
                name = "approval-tool-writes-" + Guid.NewGuid().ToString("N")[..8],
                kind = "approval_required",
                description = "Tools that write need the CEO's approval.",
                approval = new { action = "tool_write" },
            }, HttpStatusCode.Created);

            var approvedFile = Path.Combine(folder, "approved.txt");
            var rejectedFile = Path.Combine(folder, "rejected.txt");
            var scenario = "files-" + Guid.NewGuid().ToString("N");
            fixture.Scenarios.Add(Scenario.Parse($$"""
                { "turns": [
                  { "lastMessage": "Write the approved note",
                    "toolCalls": [ { "name": "files__write_file", "arguments": { "path": {{JsonSerializer.Serialize(approvedFile)}}, "content": "approved content" } } ] },
                  { "lastMessage": "Write the rejected note",
                    "toolCalls": [ { "name": "files__write_file", "arguments": { "path": {{JsonSerializer.Serialize(rejectedFile)}}, "content": "rejected content" } } ] },
                  { "lastMessage": "Successfully wrote",
                    "toolCalls": [ { "name": "complete_task", "arguments": { "result": "The note is written." } } ] },
                  { "lastMessage": "Not before the audit",
                    "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Not written: the CEO said not before the audit." } } ] } ] }
                """, scenario));
            var writer = await HireAsync(ceo, "Wendy", scenario);
            await PutAsync(ceo, $"/api/mcp/agents/{writer}/tools/{write.GetProperty("id").GetInt64()}", new { }, HttpStatusCode.OK);

            // Approved: the call waits, blocked, with the tool, its arguments and the task in the inbox; then it runs.
            var task = await CreateTaskAsync(ceo, writer, "Write the approved note");
            var approval = await PendingApprovalAsync(ceo, task);
            approval.GetProperty("tool").GetProperty("tool").GetString().Should().Be("files__write_file");
            approval.GetProperty("tool").GetProperty("classification").GetString().Should().Be("write");
            approval.GetProperty("tool").GetProperty("arguments").GetProperty("content").GetString().Should().Be("approved content");
            approval.GetProperty("reason").GetString().Should().Contain($"task #{task}");
            (await GetAsync(ceo, $"/api/tasks/{task}")).GetProperty("status").GetString().Should().Be("blocked");
            File.Exists(approvedFile).Should().BeFalse();
            await PostAsync(ceo, $"/api/approvals/{approval.GetProperty("id").GetInt64()}/approve", new { comment = "Go ahead." }, HttpStatusCode.OK);
            var done = await FinishedAsync(ceo, task);
            done.GetProperty("status").GetString().Should().Be("done", done.ToString());
            File.ReadAllText(approvedFile).Should().Be("approved content");
            var written = (await TraceAsync(ceo, done)).Should().ContainSingle(c => c.GetProperty("tool").GetString() == "files__write_file").Subject;
            written.GetProperty("outcome").GetString().Should().Be("ok");

            // Rejected: nothing is written and the agent reads the CEO's reason.
            var second = await CreateTaskAsync(ceo, writer, "Write the rejected note");
            var held = await PendingApprovalAsync(ceo, second);
            await PostAsync(ceo, $"/api/approvals/{held.GetProperty("id").GetInt64()}/reject", new { comment = "Not before the audit" }, HttpStatusCode.OK);
            var answered = await FinishedAsync(ceo, second);
            answered.GetProperty("status").GetString().Should().Be("done", answered.ToString());
            answered.GetProperty("result").GetString().Should().Be("Not written: the CEO said not before the audit.");
            File.Exists(rejectedFile).Should().BeFalse();
            var refusal = (await TraceAsync(ceo, answered)).Should().ContainSingle(c => c.GetProperty("tool").GetString() == "files__write_file").Subject;
            refusal.GetProperty("outcome").GetString().Should().Be("denied");
            refusal.GetProperty("reason").GetString().Should().Contain("was rejected by the CEO: Not before the audit");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Secrets_are_write_only_encrypted_at_rest_and_never_in_responses_logs_or_events()
    {
        using var ceo = await fixture.CeoAsync();
        var secret = "sk-fluid-" + Guid.NewGuid().ToString("N");
        var created = await PostAsync(ceo, "/api/mcp/servers", new
        {
            name = "secretive",
            transport = "stdio",
            command = "node",
            arguments = new[] { fixture.EverythingServer, "stdio" },
            environment = new Dictionary<string, string> { ["LOG_LEVEL"] = "info" },
            secrets = new Dictionary<string, string> { ["API_TOKEN"] = secret },
        }, HttpStatusCode.Created);
        created.GetProperty("secretNames").EnumerateArray().Select(n => n.GetString()).Should().Equal("API_TOKEN");
        var id = created.GetProperty("id").GetInt64();
        (await PostAsync(ceo, $"/api/mcp/servers/{id}/refresh", new { }, HttpStatusCode.OK)).GetProperty("server").GetProperty("health").GetString().Should().Be("healthy");

        // A change without secrets keeps the secret; one with a null value removes it.
        var kept = await PutAsync(ceo, $"/api/mcp/servers/{id}", new { environment = new Dictionary<string, string> { ["LOG_LEVEL"] = "debug" } }, HttpStatusCode.OK);
        kept.GetProperty("secretNames").GetArrayLength().Should().Be(1);
        kept.GetProperty("version").GetInt64().Should().Be(2);
        (await PostAsync(ceo, $"/api/mcp/servers/{id}/refresh", new { }, HttpStatusCode.OK)).GetProperty("server").GetProperty("health").GetString().Should().Be("healthy");

        // An HTTP server that cannot be reached: its failure is recorded without the secret header.
        var failing = await PostAsync(ceo, "/api/mcp/servers", new
        {
            name = "unreachable",
            transport = "http",
            url = $"http://127.0.0.1:{ClosedPort()}/mcp",
            secrets = new Dictionary<string, string> { ["Authorization"] = "Bearer " + secret },
        }, HttpStatusCode.Created);
        var failed = await PostAsync(ceo, $"/api/mcp/servers/{failing.GetProperty("id").GetInt64()}/refresh", new { }, HttpStatusCode.OK);
        failed.GetProperty("server").GetProperty("health").GetString().Should().Be("failing");
        failed.GetProperty("server").GetProperty("healthError").GetString().Should().NotBeNullOrEmpty();
        await GetAsync(ceo, "/api/mcp/servers");
        await GetAsync(ceo, $"/api/mcp/servers/{id}");
        await GetAsync(ceo, "/api/mcp/tools");

        (await fixture.ScalarAsync<string>("SELECT secrets FROM mcp_servers WHERE id = @id", ("id", id))).Should().NotBeNullOrEmpty().And.NotContain(secret);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM mcp_servers WHERE row_to_json(mcp_servers)::text LIKE '%' || @s || '%'", ("s", secret))).Should().Be(0);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE payload::text LIKE '%' || @s || '%'", ("s", secret))).Should().Be(0);
        fixture.Responses.Should().NotBeEmpty().And.NotContain(r => r.Contains(secret, StringComparison.Ordinal));
        fixture.Logs.Should().Contain(l => l.Contains("MCP server unreachable failed", StringComparison.Ordinal));
        fixture.Logs.Should().NotContain(l => l.Contains(secret, StringComparison.Ordinal));

        var removed = await PutAsync(ceo, $"/api/mcp/servers/{id}", new { secrets = new Dictionary<string, string?> { ["API_TOKEN"] = null } }, HttpStatusCode.OK);
        removed.GetProperty("secretNames").GetArrayLength().Should().Be(0);
        (await fixture.ScalarAsync<bool>("SELECT secrets IS NULL FROM mcp_servers WHERE id = @id", ("id", id))).Should().BeTrue();
    }

    [Fact]
    public async Task Bad_registrations_get_problem_details_naming_the_field()
    {
        using var ceo = await fixture.CeoAsync();
        var response = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "Bad Name", transport = "carrier-pigeon" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("name")[0].GetString().Should().Contain("'Bad Name' is not a server name");
        problem.GetProperty("errors").GetProperty("transport")[0].GetString().Should().Contain("'carrier-pigeon' is not a transport");

        var noUrl = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "remote", transport = "http", url = "ftp://example.test/mcp" });
        (await noUrl.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString().Should().Contain("not an absolute http or https address");

        await RegisterAsync(ceo, "twice", fixture.EverythingServer, "stdio");
        var again = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "twice", transport = "stdio", command = "node" });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);

        var classify = await ceo.PutAsJsonAsync("/api/mcp/tools/999999/classification", new { classification = "dangerous" });
        classify.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ceo.PutAsJsonAsync("/api/mcp/tools/999999/classification", new { classification = "read" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>A local port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<long> RegisterAsync(HttpClient ceo, string name, string script, string argument)
    {
        var server = await PostAsync(ceo, "/api/mcp/servers", new { name, transport = "stdio", command = "node", arguments = new[] { script, argument } }, HttpStatusCode.Created);
        server.GetProperty("health").GetString().Should().Be("unknown");
        return server.GetProperty("id").GetInt64();
    }

    private static async Task<long> HireAsync(HttpClient ceo, string firstName, string scenario)
    {
        var agent = await PostAsync(ceo, "/api/agents", new
        {
            profile = new { firstName, lastName = "Test", role = "Operator", department = "Operations " + Guid.NewGuid().ToString("N")[..6], model = "scripted:" + scenario, allowedTools = Array.Empty<string>() },
        }, HttpStatusCode.Created);
        return agent.GetProperty("id").GetInt64();
    }

    private static async Task<long> CreateTaskAsync(HttpClient ceo, long agentId, string title) =>
        (await PostAsync(ceo, "/api/tasks", new { title, assigneeAgentId = agentId }, HttpStatusCode.Created)).GetProperty("id").GetInt64();

    private static async Task<JsonElement> WorkAsync(HttpClient ceo, long agentId, string title) => await FinishedAsync(ceo, await CreateTaskAsync(ceo, agentId, title));

    private static Task<JsonElement> FinishedAsync(HttpClient ceo, long taskId) =>
        Eventually.WaitAsync(() => GetAsync(ceo, $"/api/tasks/{taskId}"), t => Finished.Contains(t.GetProperty("status").GetString()), TimeSpan.FromSeconds(90), $"task {taskId} to finish");

    private static Task<JsonElement> PendingApprovalAsync(HttpClient ceo, long taskId) =>
        Eventually.WaitAsync(
            async () => (await GetAsync(ceo, $"/api/approvals?taskId={taskId}")).EnumerateArray().FirstOrDefault(),
            a => a.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60),
            $"an approval request of task {taskId}");

    private static async Task<List<JsonElement>> TraceAsync(HttpClient ceo, JsonElement task) =>
        (await GetAsync(ceo, $"/api/tasks/{task.GetProperty("id").GetInt64()}/tool-calls")).EnumerateArray().ToList();

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> PutAsync(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.PutAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
