using FluidManager.Api.Access;
using ModelContextProtocol.Protocol;

namespace FluidManager.Api.McpEndpoint;

/// <summary>
/// fluidManager as an MCP server: the CEO's operations as tools at <c>/mcp</c> (streamable HTTP),
/// for assistants such as Claude Desktop or VS Code. A caller authenticates with a personal API token
/// (<c>Authorization: Bearer fm_…</c>), acts in that token's company and is judged by its role there.
/// Stateless: any Api instance answers any request, so no session affinity is needed.
/// </summary>
public static class McpEndpointHostingExtensions
{
    public const string Path = "/mcp";

    /// <summary>Members of a company who present a personal API token (the session cookie does not open /mcp).</summary>
    public const string TokenPolicy = "mcp";

    public static IHostApplicationBuilder AddMcpEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<McpToolCalls>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(TokenPolicy, p => p
            .AddAuthenticationSchemes(AccessSchemes.Token)
            .RequireAuthenticatedUser()
            .RequireClaim(AccessClaims.CompanyId));
        builder.Services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "fluidManager", Version = typeof(McpEndpointHostingExtensions).Assembly.GetName().Version?.ToString() ?? "1.0" };
                o.ServerInstructions = "You act for a member of one fluidManager company, a company staffed by AI agents. "
                    + "Read its agents, tasks, meetings and approvals; a ceo's token may also create tasks and missions, pause, resume, cancel, retry and reprioritize tasks, "
                    + "approve or reject requests and start meetings. Ids come from the list tools. Errors say which argument was wrong.";
            })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<AgentTools>()
            .WithTools<TaskTools>()
            .WithTools<MeetingTools>()
            .WithTools<ApprovalTools>()
            .WithRequestFilters(filters => filters
                .AddListToolsFilter(McpRoleGate.ListTools)
                .AddCallToolFilter(McpRoleGate.CallTool));
        return builder;
    }

    public static IEndpointRouteBuilder MapMcpEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization(TokenPolicy).ExcludeFromDescription();
        return app;
    }
}
