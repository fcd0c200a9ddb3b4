using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FluidManager.EndToEnd.Tests;

/// <summary>
/// fluidManager's /mcp driven by a client no one here wrote: the official MCP TypeScript SDK's client
/// (test/e2e/mcp-client.mjs, streamable HTTP) against the same running Api and Silo as the company flow.
/// </summary>
public sealed partial class CompanyFlowTests
{
    private const string McpViewerEmail = "viewer@e2e.test";
    private const string McpViewerPassword = "viewer-password-for-e2e";

    [Fact]
    public async Task The_mcp_typescript_sdk_client_lists_the_tools_creates_a_task_and_reads_it_back_a_viewer_cannot_create_and_no_token_gets_401()
    {
        using var owner = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Url };
        await ReadAsync(await owner.PostAsJsonAsync("/api/auth/login", new { email = RunningSystem.OwnerEmail, password = RunningSystem.OwnerPassword }));
        var ceoToken = await McpTokenAsync(owner);
        await ReadAsync(await owner.PostAsJsonAsync("/api/users", new { email = McpViewerEmail, displayName = "Viewer", password = McpViewerPassword, role = "viewer" }), HttpStatusCode.Created);
        using var viewer = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Url };
        await ReadAsync(await viewer.PostAsJsonAsync("/api/auth/login", new { email = McpViewerEmail, password = McpViewerPassword }));
        var viewerToken = await McpTokenAsync(viewer);
        var title = $"Prepare the board pack {Guid.NewGuid():N}";

        var report = await RunMcpClientAsync(ceoToken, viewerToken, title);

        // No token: the SDK's connect fails on the server's 401.
        report.GetProperty("anonymous").GetProperty("connected").GetBoolean().Should().BeFalse();
        report.GetProperty("anonymous").GetProperty("code").GetInt32().Should().Be(401, report.ToString());

        // The ceo: every tool, a task created and read back, and really in the company.
        var ceo = report.GetProperty("ceo");
        ceo.GetProperty("server").GetProperty("name").GetString().Should().Be("fluidManager");
        var ceoTools = ceo.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ToList();
        ceoTools.Should().Contain(["list_agents", "list_tasks", "get_task", "create_task", "create_mission", "pause_task", "approve_request", "start_meeting", "get_meeting_minutes"]);
        ceo.GetProperty("created").GetProperty("isError").GetBoolean().Should().BeFalse(ceo.ToString());
        var created = ceo.GetProperty("created").GetProperty("task");
        var id = created.GetProperty("id").GetInt64();
        created.GetProperty("title").GetString().Should().Be(title);
        var read = ceo.GetProperty("read").GetProperty("task");
        read.GetProperty("id").GetInt64().Should().Be(id);
        read.GetProperty("title").GetString().Should().Be(title);
        read.GetProperty("priority").GetString().Should().Be("high");
        var viaRest = await ReadAsync(await owner.GetAsync($"/api/tasks/{id}"));
        viaRest.GetProperty("title").GetString().Should().Be(title);
        viaRest.GetProperty("description").GetString().Should().Be("Made by the MCP TypeScript SDK client.");

        // The viewer: only read tools, and create_task refused in words.
        var viewerReport = report.GetProperty("viewer");
        var viewerTools = viewerReport.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ToList();
        viewerTools.Should().Contain(["list_tasks", "get_task"]).And.NotContain(["create_task", "create_mission", "cancel_task", "approve_request"]);
        viewerReport.GetProperty("create").GetProperty("isError").GetBoolean().Should().BeTrue();
        viewerReport.GetProperty("create").GetProperty("text").GetString().Should().Contain("ceo role").And.Contain("viewer");
        var viewerTasks = await ReadAsync(await owner.GetAsync($"/api/tasks?q={Uri.EscapeDataString(title + " (viewer)")}"));
        viewerTasks.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    private async Task<JsonElement> RunMcpClientAsync(string ceoToken, string viewerToken, string title)
    {
        var folder = Path.Combine(RunningSystem.RepositoryRoot, "test", "e2e");
        await NodeHubListener.EnsureInstalledAsync(folder);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "mcp-client.mjs", system.Url.ToString(), ceoToken, viewerToken, title })
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"The MCP client did not finish within 90 s: {await error}");
        }

        node.ExitCode.Should().Be(0, $"{await error}{Environment.NewLine}{system.Logs}");
        return JsonSerializer.Deserialize<JsonElement>(await output);
    }

    private static async Task<string> McpTokenAsync(HttpClient client) =>
        (await ReadAsync(await client.PostAsJsonAsync("/api/tokens", new { name = "assistant" }), HttpStatusCode.Created)).GetProperty("token").GetString()!;
}
