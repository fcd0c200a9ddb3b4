using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace FluidManager.Api.Tests;

/// <summary>
/// fluidManager as an MCP server: the real Api host's /mcp, driven by the official C# MCP client over
/// streamable HTTP with personal API tokens, on the real database. What a tool does is checked
/// through the REST API, and the other way round.
/// </summary>
public sealed class McpServerTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly string[] ReadTools =
    [
        "list_agents", "get_agent", "list_tasks", "get_task", "list_meetings", "get_meeting", "get_meeting_transcript",
        "get_meeting_minutes", "list_approvals", "get_approval",
    ];

    private static readonly string[] WriteTools =
    [
        "create_task", "create_mission", "pause_task", "resume_task", "cancel_task", "retry_task", "reprioritize_task",
        "approve_request", "reject_request", "start_meeting",
    ];

    private static readonly ConditionalWeakTable<ApiFixture, Task<Tokens>> TokensOf = [];

    [Fact]
    public async Task Without_a_token_mcp_answers_401_with_a_bearer_challenge()
    {
        using var anonymous = fixture.Anonymous();
        var response = await anonymous.SendAsync(Initialize());
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");

        using var unknown = fixture.Anonymous();
        unknown.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fm_nope_notatoken");
        var refused = await unknown.SendAsync(Initialize());
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().Contain("invalid_token");

        // The session cookie opens the dashboard's API, not /mcp: assistants use personal tokens.
        using var owner = await fixture.OwnerAsync();
        (await owner.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await owner.SendAsync(Initialize())).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_ceo_token_lists_every_tool_with_a_description_a_schema_and_its_read_only_hint()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);

        ceo.ServerInfo!.Name.Should().Be("fluidManager");
        var tools = (await ceo.ListToolsAsync()).Select(t => t.ProtocolTool).ToList();
        tools.Select(t => t.Name).Should().BeEquivalentTo(ReadTools.Concat(WriteTools));
        tools.Should().OnlyContain(t => !string.IsNullOrWhiteSpace(t.Description) && t.InputSchema.GetProperty("type").GetString() == "object");
        tools.Where(t => t.Annotations!.ReadOnlyHint == true).Select(t => t.Name).Should().BeEquivalentTo(ReadTools);

        var create = tools.Single(t => t.Name == "create_task");
        create.InputSchema.GetProperty("required").Strings().Should().Equal("title");
        create.InputSchema.GetProperty("properties").GetProperty("assigneeAgentId").GetProperty("description").GetString().Should().NotBeNullOrWhiteSpace();
        tools.Single(t => t.Name == "cancel_task").Annotations!.DestructiveHint.Should().BeTrue();
    }

    [Fact]
    public async Task A_viewer_or_admin_token_sees_only_the_read_tools_and_a_write_call_is_refused_naming_the_role()
    {
        var tokens = await TokensAsync();
        using var rest = await fixture.CeoAsync();
        var title = $"Viewer cannot make this {Guid.NewGuid():N}";

        foreach (var (token, role) in new[] { (tokens.AcmeViewer, "viewer"), (tokens.AcmeAdmin, "admin") })
        {
            await using var client = await ConnectAsync(token);
            (await client.ListToolsAsync()).Select(t => t.Name).Should().BeEquivalentTo(ReadTools);

            var refused = await client.CallToolAsync("create_task", Args(("title", title)));
            refused.IsError.Should().BeTrue();
            Text(refused).Should().Contain("create_task").And.Contain("ceo role").And.Contain(role);

            var read = await client.CallToolAsync("list_tasks", Args(("text", "anything")));
            read.IsError.Should().NotBe(true, Text(read));
        }

        var found = await (await rest.GetAsync($"/api/tasks?q={Uri.EscapeDataString(title)}")).ReadJsonAsync();
        found.GetProperty("items").GetArrayLength().Should().Be(0, "a refused call changes nothing");
    }

    [Fact]
    public async Task Task_tools_create_read_pause_resume_reprioritize_and_cancel_through_the_task_grain()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);
        using var rest = await fixture.CeoAsync();
        var title = $"Write the MCP launch note {Guid.NewGuid():N}";

        var created = Json(await ceo.CallToolAsync("create_task", Args(("title", title), ("description", "Two paragraphs."), ("priority", "high"))));
        var id = created.GetProperty("id").GetInt64();
        created.GetProperty("status").GetString().Should().Be("queued");
        created.GetProperty("priority").GetString().Should().Be("high");

        var viaRest = await rest.GetTaskAsync(id);
        viaRest.GetProperty("title").GetString().Should().Be(title);
        Json(await ceo.CallToolAsync("get_task", Args(("taskId", id)))).GetProperty("description").GetString().Should().Be("Two paragraphs.");
        var listed = Json(await ceo.CallToolAsync("list_tasks", Args(("text", title))));
        listed.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().Equal(id);

        Json(await ceo.CallToolAsync("pause_task", Args(("taskId", id), ("reason", "Waiting for legal")))).GetProperty("status").GetString().Should().Be("paused");
        Json(await ceo.CallToolAsync("resume_task", Args(("taskId", id)))).GetProperty("status").GetString().Should().Be("queued");
        Json(await ceo.CallToolAsync("reprioritize_task", Args(("taskId", id), ("priority", "urgent")))).GetProperty("priority").GetString().Should().Be("urgent");

        // The state machine refuses, in words, what the status does not allow.
        var retry = await ceo.CallToolAsync("retry_task", Args(("taskId", id)));
        retry.IsError.Should().BeTrue();
        Text(retry).Should().Contain("task.illegal_transition");

        Json(await ceo.CallToolAsync("cancel_task", Args(("taskId", id), ("reason", "Not needed")))).GetProperty("status").GetString().Should().Be("cancelled");
        (await rest.GetTaskAsync(id)).GetProperty("status").GetString().Should().Be("cancelled");
        // Recorded as the token's user, like a command from the dashboard.
        await rest.EventsUntilAsync($"task:{id}", events => events.Any(e => e.GetProperty("actor").GetString()?.StartsWith("human:", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors_that_name_the_argument()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);

        var priority = await ceo.CallToolAsync("create_task", Args(("title", "Anything"), ("priority", "asap")));
        priority.IsError.Should().BeTrue();
        Text(priority).Should().Contain("priority").And.Contain("'asap' is not one of: low, normal, high, urgent");

        var title = await ceo.CallToolAsync("create_task", Args(("title", " ")));
        title.IsError.Should().BeTrue();
        Text(title).Should().Contain("Invalid arguments").And.Contain("title");

        var status = await ceo.CallToolAsync("list_agents", Args(("status", "sleeping")));
        status.IsError.Should().BeTrue();
        Text(status).Should().Contain("status").And.Contain("active, paused, archived");

        var limit = await ceo.CallToolAsync("list_tasks", Args(("limit", 0)));
        Text(limit).Should().Contain("limit").And.Contain("Between 1 and 500");

        var missing = await ceo.CallToolAsync("get_task", Args(("taskId", 987654321L)));
        missing.IsError.Should().BeTrue();
        Text(missing).Should().Contain("Not found").And.Contain("987654321");

        var meeting = await ceo.CallToolAsync("start_meeting", Args(("meetingId", 1L), ("title", "Both")));
        Text(meeting).Should().Contain("meetingId");
    }

    [Fact]
    public async Task One_company_never_reads_or_changes_another_companys_work()
    {
        var tokens = await TokensAsync();
        using var rest = await fixture.CeoAsync();
        var acmeTask = (await rest.CreateTaskAsync($"Acme secret plan {Guid.NewGuid():N}")).GetProperty("id").GetInt64();
        var acmeAgent = await rest.HireAsync("Secret", "CTO", "Engineering");

        await using var beta = await ConnectAsync(tokens.BetaCeo);
        foreach (var (tool, args) in new (string, Dictionary<string, object?>)[]
        {
            ("get_task", Args(("taskId", acmeTask))),
            ("pause_task", Args(("taskId", acmeTask))),
            ("cancel_task", Args(("taskId", acmeTask))),
            ("get_agent", Args(("agentId", acmeAgent))),
            ("create_task", Args(("title", "Sneaky"), ("assigneeAgentId", acmeAgent))),
            ("create_mission", Args(("title", "Sneaky"), ("agentId", acmeAgent))),
        })
        {
            var result = await beta.CallToolAsync(tool, args);
            result.IsError.Should().BeTrue($"{tool} must not reach Acme's rows");
            Text(result).Should().Contain("not found", because: tool);
        }

        var betaTasks = Json(await beta.CallToolAsync("list_tasks", Args()));
        betaTasks.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().NotContain(acmeTask);
        var betaAgents = Json(await beta.CallToolAsync("list_agents", Args()));
        betaAgents.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Should().NotContain(acmeAgent);
        (await rest.GetTaskAsync(acmeTask)).GetProperty("status").GetString().Should().Be("queued", "Beta's calls changed nothing");
    }

    [Fact]
    public async Task Agents_and_missions_go_to_the_ceos_direct_reports()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);
        using var rest = await fixture.CeoAsync();
        var tag = $"zq{Guid.NewGuid():N}"[..10];
        var lead = await rest.HireAsync("Lead", "Head", tag);
        var below = await rest.HireAsync("Below", "Specialist", tag, lead);

        var agents = Json(await ceo.CallToolAsync("list_agents", Args(("status", "active"))));
        agents.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Should().Contain([lead, below]);
        Json(await ceo.CallToolAsync("get_agent", Args(("agentId", below)))).GetProperty("managerAgentId").GetInt64().Should().Be(lead);

        var chosen = Json(await ceo.CallToolAsync("create_mission", Args(("title", $"Plan the {tag} launch"))));
        chosen.GetProperty("task").GetProperty("assigneeAgentId").GetInt64().Should().Be(lead);
        chosen.GetProperty("assignment").GetString().Should().Contain(tag);
        var mission = chosen.GetProperty("task").GetProperty("id").GetInt64();
        (await rest.GetTaskAsync(mission)).GetProperty("assigneeAgentId").GetInt64().Should().Be(lead);

        var named = Json(await ceo.CallToolAsync("create_mission", Args(("title", "Budget review"), ("agentId", lead), ("priority", "low"))));
        named.GetProperty("task").GetProperty("assigneeAgentId").GetInt64().Should().Be(lead);

        var notDirect = await ceo.CallToolAsync("create_mission", Args(("title", "Skip a level"), ("agentId", below)));
        notDirect.IsError.Should().BeTrue();
        Text(notDirect).Should().Contain("agentId").And.Contain("does not report to the CEO");
    }

    [Fact]
    public async Task Meeting_tools_start_a_meeting_and_read_it_and_minutes_are_not_found_until_written()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);
        await using var viewer = await ConnectAsync(tokens.AcmeViewer);
        using var rest = await fixture.CeoAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var cto = await rest.HireAsync($"Cto{tag}", "CTO", "Engineering");
        var cmo = await rest.HireAsync($"Cmo{tag}", "CMO", "Marketing");

        var incomplete = await ceo.CallToolAsync("start_meeting", Args(("goal", "No title, no participants")));
        incomplete.IsError.Should().BeTrue();
        Text(incomplete).Should().Contain("Invalid arguments");

        var started = Json(await ceo.CallToolAsync("start_meeting", Args(
            ("title", $"Pricing {tag}"), ("goal", "Decide the launch price"), ("participantAgentIds", new[] { cto, cmo }), ("maxRounds", 1))));
        var id = started.GetProperty("id").GetInt64();
        started.GetProperty("status").GetString().Should().NotBe("draft");
        (await (await rest.GetAsync($"/api/meetings/{id}")).ReadJsonAsync()).GetProperty("title").GetString().Should().Be($"Pricing {tag}");

        Json(await viewer.CallToolAsync("list_meetings", Args())).EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).Should().Contain(id);
        Json(await viewer.CallToolAsync("get_meeting", Args(("meetingId", id)))).GetProperty("goal").GetString().Should().Be("Decide the launch price");
        (await viewer.CallToolAsync("get_meeting_transcript", Args(("meetingId", id)))).IsError.Should().NotBe(true);
        (await viewer.CallToolAsync("start_meeting", Args(("meetingId", id)))).IsError.Should().BeTrue();

        // A draft made over REST starts by id; starting it twice is refused by the meeting grain.
        var draft = await (await rest.PostAsJsonAsync("/api/meetings", new { title = $"Hiring {tag}", goal = "Agree on the next hire", participantAgentIds = new[] { cto } })).ReadJsonAsync(HttpStatusCode.Created);
        var draftId = draft.GetProperty("id").GetInt64();
        var minutes = await viewer.CallToolAsync("get_meeting_minutes", Args(("meetingId", draftId)));
        minutes.IsError.Should().BeTrue();
        Text(minutes).Should().Contain("Minutes of meeting").And.Contain("not found");
        Json(await ceo.CallToolAsync("start_meeting", Args(("meetingId", draftId)))).GetProperty("status").GetString().Should().NotBe("draft");
        var twice = await ceo.CallToolAsync("start_meeting", Args(("meetingId", draftId)));
        twice.IsError.Should().BeTrue();
        Text(twice).Should().Contain("Not allowed in the current state");
    }

    [Fact]
    public async Task Approval_tools_read_the_inbox_and_refuse_unknown_requests_and_bad_filters()
    {
        var tokens = await TokensAsync();
        await using var ceo = await ConnectAsync(tokens.AcmeCeo);
        await using var viewer = await ConnectAsync(tokens.AcmeViewer);

        Json(await viewer.CallToolAsync("list_approvals", Args(("status", "all")))).ValueKind.Should().Be(JsonValueKind.Array);
        var filter = await viewer.CallToolAsync("list_approvals", Args(("status", "maybe")));
        Text(filter).Should().Contain("status").And.Contain("pending, approved, rejected, expired");
        Text(await viewer.CallToolAsync("get_approval", Args(("approvalId", 424242L)))).Should().Contain("not found");
        Text(await viewer.CallToolAsync("approve_request", Args(("approvalId", 424242L)))).Should().Contain("ceo role");

        var approve = await ceo.CallToolAsync("approve_request", Args(("approvalId", 424242L), ("comment", "ok")));
        approve.IsError.Should().BeTrue();
        Text(approve).Should().Contain("Not found").And.Contain("424242");
        Text(await ceo.CallToolAsync("reject_request", Args(("approvalId", 424242L)))).Should().Contain("424242");
    }

    private async Task<McpClient> ConnectAsync(string token)
    {
        var http = fixture.Factory.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        }, http, NullLoggerFactory.Instance, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }

    private Task<Tokens> TokensAsync() => TokensOf.GetValue(fixture, f => CreateTokensAsync(f));

    private static async Task<Tokens> CreateTokensAsync(ApiFixture fixture)
    {
        await fixture.WorldAsync();
        using var ceo = await fixture.CeoAsync();
        var acmeCeo = ceo.DefaultRequestHeaders.Authorization!.Parameter!;
        return new Tokens(
            acmeCeo,
            await TokenAsync(fixture, World.AcmeViewerEmail),
            await TokenAsync(fixture, World.AcmeAdminEmail),
            await TokenAsync(fixture, World.BetaCeoEmail));
    }

    private static async Task<string> TokenAsync(ApiFixture fixture, string email)
    {
        using var client = await fixture.SignInAsync(email, ApiFixture.Password);
        var created = await (await client.PostAsJsonAsync("/api/tokens", new { name = "assistant" })).ReadJsonAsync(HttpStatusCode.Created);
        return created.GetProperty("token").GetString()!;
    }

    private static HttpRequestMessage Initialize() => new(HttpMethod.Post, "/mcp")
    {
        Content = new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""",
            Encoding.UTF8,
            "application/json"),
        Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json"), new MediaTypeWithQualityHeaderValue("text/event-stream") } },
    };

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] arguments) => arguments.ToDictionary(a => a.Name, a => a.Value);

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonElement Json(CallToolResult result)
    {
        result.IsError.Should().NotBe(true, Text(result));
        return JsonSerializer.Deserialize<JsonElement>(Text(result));
    }

    private sealed record Tokens(string AcmeCeo, string AcmeViewer, string AcmeAdmin, string BetaCeo);
}
