using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Grains.Tools;
using FluidManager.Knowledge.Mcp;
using FluidManager.Models.Scripted;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task A_call_attempted_again_after_a_crash_returns_the_answer_received_and_an_interrupted_call_is_repeated_only_when_idempotent()
    {
        using var ceo = await fixture.CeoAsync();
        var folder = Directory.CreateTempSubdirectory("fluid-mcp-journal-").FullName;
        try
        {
            var server = await RegisterAsync(ceo, "journal", fixture.FilesystemServer, folder);
            await PostAsync(ceo, $"/api/mcp/servers/{server}/refresh", new { }, HttpStatusCode.OK);
            var company = await fixture.ScalarAsync<long>("SELECT company_id FROM mcp_servers WHERE id = @id", ("id", server));
            var agent = await HireAsync(ceo, "Jo", "unused");
            var source = fixture.SiloServices.GetServices<IAgentToolSource>().OfType<McpToolSource>().Single();
            var file = Path.Combine(folder, "note.txt");
            ToolInvocation Call(object arguments) => new(company, agent, null, JsonSerializer.Serialize(arguments));

            // The answer arrived but its outcome was never delivered (the silo died): the next attempt, same key, does not call again.
            var key = Guid.NewGuid();
            var first = await source.ExecuteAsync("journal__write_file", Call(new { path = file, content = "first" }), key, CancellationToken.None);
            first.Status.Should().Be(AgentToolStatus.Ok, first.Text);
            File.ReadAllText(file).Should().Be("first");
            await File.WriteAllTextAsync(file, "changed since");
            var replay = await source.ExecuteAsync("journal__write_file", Call(new { path = file, content = "first" }), key, CancellationToken.None);
            replay.Text.Should().Be(first.Text);
            File.ReadAllText(file).Should().Be("changed since");
            (await fixture.ScalarAsync<int>("SELECT attempts FROM mcp_call_journal WHERE activity_id = @k", ("k", key))).Should().Be(2);

            // Interrupted during the call (started, never finished): a tool that is not idempotent is not called again…
            var edit = await StartedAsync(server, "edit_file");
            var unknown = await source.ExecuteAsync("journal__edit_file", Call(new { path = file, edits = new[] { new { oldText = "changed", newText = "edited" } } }), edit, CancellationToken.None);
            unknown.Status.Should().Be(AgentToolStatus.Error);
            unknown.Text.Should().Contain("outcome is unknown");
            File.ReadAllText(file).Should().Be("changed since");

            // …an idempotent one (write_file: idempotentHint) is, with the same key.
            var rewrite = await StartedAsync(server, "write_file");
            (await source.ExecuteAsync("journal__write_file", Call(new { path = file, content = "second" }), rewrite, CancellationToken.None)).Status.Should().Be(AgentToolStatus.Ok);
            File.ReadAllText(file).Should().Be("second");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Send_email_to_a_local_smtp_server_delivers_exactly_one_message_after_approval_and_none_before_and_keeps_it_on_the_task()
    {
        using var ceo = await fixture.CeoAsync();
        using var smtp = await SmtpSink.StartAsync();
        var mailbox = smtp.Mailbox;
        var password = "smtp-" + Guid.NewGuid().ToString("N");
        var saved = await PutAsync(ceo, "/api/email/settings", new
        {
            host = "127.0.0.1", port = smtp.Port, security = "none", username = "mailer", password, fromAddress = "agents@acme.test", fromName = "Acme agents",
        }, HttpStatusCode.OK);
        saved.GetProperty("passwordSet").GetBoolean().Should().BeTrue();
        saved.ToString().Should().NotContain(password);

        var scenario = "mail-" + Guid.NewGuid().ToString("N");
        fixture.Scenarios.Add(Scenario.Parse("""
            { "turns": [
              { "lastMessage": "Email the supplier about order 42",
                "toolCalls": [ { "name": "send_email", "arguments": { "to": "supplier@example.test", "subject": "Order 42", "body": "Please ship order 42 by Friday." } } ] },
              { "lastMessage": "sent to",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "The supplier has been asked to ship order 42." } } ] } ] }
            """, scenario));
        var agent = (await PostAsync(ceo, "/api/agents", new
        {
            profile = new { firstName = "Mia", lastName = "Test", role = "Buyer", department = "Purchasing", model = "scripted:" + scenario, allowedTools = new[] { "email" } },
        }, HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var task = await CreateTaskAsync(ceo, agent, "Email the supplier about order 42");
        var approval = await PendingApprovalAsync(ceo, task);
        approval.GetProperty("kind").GetString().Should().Be("external");
        approval.GetProperty("tool").GetProperty("tool").GetString().Should().Be("send_email");
        approval.GetProperty("tool").GetProperty("arguments").GetProperty("to").GetString().Should().Be("supplier@example.test");
        Directory.GetFiles(mailbox).Should().BeEmpty("nothing is sent before the CEO approves");

        await PostAsync(ceo, $"/api/approvals/{approval.GetProperty("id").GetInt64()}/approve", new { comment = "Send it." }, HttpStatusCode.OK);
        var done = await FinishedAsync(ceo, task);
        done.GetProperty("status").GetString().Should().Be("done", done.ToString());
        var sent = Directory.GetFiles(mailbox).Should().ContainSingle().Subject;
        var raw = await File.ReadAllTextAsync(sent);
        raw.Should().Contain("Subject: Order 42").And.Contain("Please ship order 42 by Friday.").And.Contain("supplier@example.test").And.Contain("agents@acme.test");
        var artifacts = await GetAsync(ceo, $"/api/tasks/{task}/artifacts");
        artifacts.EnumerateArray().Should().ContainSingle(a => a.GetProperty("name").GetString() == "E-mail Order 42.eml");
        var call = (await TraceAsync(ceo, done)).Should().ContainSingle(c => c.GetProperty("tool").GetString() == "send_email").Subject;
        call.GetProperty("outcome").GetString().Should().Be("ok");
        fixture.Responses.Should().NotContain(r => r.Contains(password, StringComparison.Ordinal));
        fixture.Logs.Should().NotContain(l => l.Contains(password, StringComparison.Ordinal));
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE payload::text LIKE '%' || @s || '%'", ("s", password))).Should().Be(0);
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
        foreach (var (url, address) in new[] { ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"), ("http://[fe80::1]:8080/mcp", "fe80::1") })
        {
            var metadata = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "metadata", transport = "http", url, enabled = false });
            metadata.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a link-local address (cloud metadata) is never an MCP server's");
            (await metadata.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString()
                .Should().Contain(address).And.Contain("link-local");
        }


        var shell = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "shell", transport = "stdio", command = "bash", arguments = new[] { "-c", "id" } });
        shell.StatusCode.Should().Be(HttpStatusCode.BadRequest, "this installation allows node only");
        (await shell.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("command")[0].GetString()
            .Should().Contain("'bash' is not among the programs this installation allows");

        await RegisterAsync(ceo, "twice", fixture.EverythingServer, "stdio");
        var again = await ceo.PostAsJsonAsync("/api/mcp/servers", new { name = "twice", transport = "stdio", command = "node" });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);

        var classify = await ceo.PutAsJsonAsync("/api/mcp/tools/999999/classification", new { classification = "dangerous" });
        classify.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ceo.PutAsJsonAsync("/api/mcp/tools/999999/classification", new { classification = "read" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>A journal row as a call leaves it when its silo dies during the call.</summary>
    private async Task<Guid> StartedAsync(long serverId, string tool)
    {
        var key = Guid.NewGuid();
        (await fixture.ScalarAsync<int>(
            "INSERT INTO mcp_call_journal (activity_id, company_id, tool_id, status, started_at) SELECT @k, company_id, id, 'started', now() FROM mcp_tools WHERE server_id = @s AND name = @t RETURNING 1",
            ("k", key), ("s", serverId), ("t", tool))).Should().Be(1);
        return key;
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
