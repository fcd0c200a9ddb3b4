using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace FluidManager.Work.Tests;

/// <summary>
/// The approvals inbox worked by an assistant through /mcp: real agents (offline model) on a real
/// silo park their publication tasks for approval; the ceo's MCP client approves one and rejects the
/// other, and the agents go on exactly as after a decision in the dashboard.
/// </summary>
public sealed class McpApprovalTests(WorkApiFixture fixture) : IClassFixture<WorkApiFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_ceo_assistant_creates_work_then_approves_and_rejects_its_approval_requests_over_mcp()
    {
        var (rest, company) = await fixture.CeoAsync();
        var token = (await (await rest.PostAsJsonAsync("/api/tokens", new { name = "assistant" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        AgentDto agent;
        using (CallerContext.As("human:1"))
        {
            agent = await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = company,
                Profile = new AgentProfile { FirstName = "Mia", LastName = "Mcp", Role = "Copywriter", Department = "Marketing", Model = "offline" },
            });
        }

        await using var mcp = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(rest.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        }, rest, NullLoggerFactory.Instance));

        var first = Json(await mcp.CallToolAsync("create_task", new Dictionary<string, object?> { ["title"] = "Publish the autumn newsletter", ["assigneeAgentId"] = agent.Id })).GetProperty("id").GetInt64();
        var second = Json(await mcp.CallToolAsync("create_task", new Dictionary<string, object?> { ["title"] = "Publish the winter newsletter", ["assigneeAgentId"] = agent.Id })).GetProperty("id").GetInt64();

        var pending = await Eventually.WaitAsync(
            async () => Json(await mcp.CallToolAsync("list_approvals", new Dictionary<string, object?>())),
            a => a.GetArrayLength() == 2,
            Timeout,
            "two pending approvals over MCP");
        var approvals = pending.EnumerateArray().ToDictionary(a => a.GetProperty("taskId").GetInt64(), a => a.GetProperty("id").GetInt64());
        approvals.Keys.Should().BeEquivalentTo([first, second]);
        Json(await mcp.CallToolAsync("get_approval", new Dictionary<string, object?> { ["approvalId"] = approvals[first] })).GetProperty("kind").GetString().Should().Be("publication");

        var approved = Json(await mcp.CallToolAsync("approve_request", new Dictionary<string, object?> { ["approvalId"] = approvals[first], ["comment"] = "Ship it." }));
        approved.GetProperty("status").GetString().Should().Be("approved");
        approved.GetProperty("decidedBy").GetString().Should().StartWith("human:");
        var rejected = Json(await mcp.CallToolAsync("reject_request", new Dictionary<string, object?> { ["approvalId"] = approvals[second], ["comment"] = "Not before the board meets." }));
        rejected.GetProperty("status").GetString().Should().Be("rejected");

        var again = await mcp.CallToolAsync("approve_request", new Dictionary<string, object?> { ["approvalId"] = approvals[first] });
        again.IsError.Should().BeTrue();
        Text(again).Should().Contain("approval.decided");

        var done = await Eventually.WaitAsync(() => TaskAsync(mcp, first), t => t.GetProperty("status").GetString() == "done", Timeout, "the approved task to be done");
        done.GetProperty("result").GetString().Should().Contain("Approved by the CEO");
        var failed = await Eventually.WaitAsync(() => TaskAsync(mcp, second), t => t.GetProperty("status").GetString() == "failed", Timeout, "the rejected task to fail");
        failed.GetProperty("statusReason").GetString().Should().Contain("Not before the board meets.");

        // The rejected task can be retried: back to the queue for its agent.
        Json(await mcp.CallToolAsync("retry_task", new Dictionary<string, object?> { ["taskId"] = second })).GetProperty("status").GetString().Should().Be("queued");
    }

    private static async Task<JsonElement> TaskAsync(McpClient mcp, long id) =>
        Json(await mcp.CallToolAsync("get_task", new Dictionary<string, object?> { ["taskId"] = id }));

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonElement Json(CallToolResult result)
    {
        result.IsError.Should().NotBe(true, Text(result));
        return JsonSerializer.Deserialize<JsonElement>(Text(result));
    }
}
