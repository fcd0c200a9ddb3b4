using FluidManager.Api.Access;
using FluidManager.Knowledge.Email;
using FluidManager.Knowledge.Mcp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>A tool's class: read, write or external; null goes back to the default of its annotations.</summary>
public sealed record McpClassificationRequest(string? Classification);

/// <summary>
/// Integrations: the company's MCP servers (stdio commands or streamable HTTP addresses; secrets are
/// write-only and never returned), their tools with descriptions, schemas and classes, their health,
/// and the MCP tools granted to each agent. Reads are open to every member; changes are the CEO's.
/// </summary>
public static class McpApi
{
    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/mcp").WithTags("Integrations");

        group.MapGet("/servers", ListServersAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListMcpServers")
            .WithSummary("The company's MCP servers with their health and tool count; secrets are named, never shown.");

        group.MapPost("/servers", CreateServerAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateMcpServer")
            .WithSummary("Registers an MCP server: transport stdio (command, arguments, environment) or http (url, headers); secrets (name → value) are stored encrypted and applied as environment variables or headers. Then POST …/refresh lists its tools.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/servers/{id:long}", GetServerAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetMcpServer")
            .WithSummary("One MCP server.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/servers/{id:long}", UpdateServerAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateMcpServer")
            .WithSummary("Changes an MCP server: fields given replace the stored ones; secrets merge (a null value removes one, a name left out keeps it). The next use connects again.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/servers/{id:long}", DeleteServerAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteMcpServer")
            .WithSummary("Removes an MCP server, its tools and their grants.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/servers/{id:long}/refresh", RefreshServerAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RefreshMcpServer")
            .WithSummary("Connects to the server and lists its tools again; the health says whether it worked (and why not).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/tools", ListToolsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListMcpTools")
            .WithSummary("The tools of the company's MCP servers (serverId narrows to one), with description, input schema, annotations, class and the agents granted each.");

        group.MapPut("/tools/{id:long}/classification", ClassifyToolAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ClassifyMcpTool")
            .WithSummary("Sets a tool's class: read, write or external (null: back to the default from its annotations). The approval_required rules external_action and tool_write decide which classes wait for the CEO.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/agents/{agentId:long}/tools", GetGrantsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentMcpTools")
            .WithSummary("The MCP tools granted to an agent: the only ones its model is offered.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/agents/{agentId:long}/tools/{toolId:long}", GrantAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("GrantAgentMcpTool")
            .WithSummary("Grants an MCP tool to an agent; idempotent.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/agents/{agentId:long}/tools/{toolId:long}", RevokeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RevokeAgentMcpTool")
            .WithSummary("Revokes an MCP tool from an agent; idempotent.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var email = app.MapGroup("/api/email").WithTags("Integrations");

        email.MapGet("/settings", GetEmailSettingsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetEmailSettings")
            .WithSummary("The company's SMTP account for the send_email tool; the password only as passwordSet. 404 when none is set.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        email.MapPut("/settings", SaveEmailSettingsAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SaveEmailSettings")
            .WithSummary("Sets the company's SMTP account: host, port, security (none, starttls, tls), username, password (write-only: null keeps it, empty removes it, stored encrypted), fromAddress, fromName.")
            .ProducesValidationProblem();

        email.MapDelete("/settings", DeleteEmailSettingsAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteEmailSettings")
            .WithSummary("Removes the company's SMTP account: send_email is offered to no agent any more.");

        email.MapGet("/imap", GetImapSettingsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetImapSettings")
            .WithSummary("The company's mailbox (IMAP) that the mailbox checks of its schedules read; the password only as passwordSet. 404 when none is set.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        email.MapPut("/imap", SaveImapSettingsAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SaveImapSettings")
            .WithSummary("Sets the company's mailbox: host, port, security (none, starttls, tls: the default), username, password (write-only: required the first time, null keeps it, stored encrypted), folder (default INBOX).")
            .ProducesValidationProblem();

        email.MapDelete("/imap", DeleteImapSettingsAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteImapSettings")
            .WithSummary("Removes the company's mailbox: mailbox checks create their task without mail again.");

        return app;
    }

    private static async Task<Ok<ImapSettingsDto>> GetImapSettingsAsync(ICompanyContext caller, ImapSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.GetAsync(caller.CompanyId, cancellationToken));

    private static async Task<Ok<ImapSettingsDto>> SaveImapSettingsAsync(ImapSettingsInput request, ICompanyContext caller, ImapSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.SaveAsync(caller.CompanyId, request, caller.Actor, cancellationToken));

    private static async Task<NoContent> DeleteImapSettingsAsync(ICompanyContext caller, ImapSettings settings, CancellationToken cancellationToken)
    {
        await settings.DeleteAsync(caller.CompanyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<EmailSettingsDto>> GetEmailSettingsAsync(ICompanyContext caller, EmailSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.GetAsync(caller.CompanyId, cancellationToken));

    private static async Task<Ok<EmailSettingsDto>> SaveEmailSettingsAsync(EmailSettingsInput request, ICompanyContext caller, EmailSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.SaveAsync(caller.CompanyId, request, caller.Actor, cancellationToken));

    private static async Task<NoContent> DeleteEmailSettingsAsync(ICompanyContext caller, EmailSettings settings, CancellationToken cancellationToken)
    {
        await settings.DeleteAsync(caller.CompanyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<McpServerDto>>> ListServersAsync(ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.ListAsync(caller.CompanyId, cancellationToken));

    private static async Task<Created<McpServerDto>> CreateServerAsync(McpServerInput request, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken)
    {
        var server = await servers.CreateAsync(caller.CompanyId, request, cancellationToken);
        return TypedResults.Created($"/api/mcp/servers/{server.Id}", server);
    }

    private static async Task<Ok<McpServerDto>> GetServerAsync(long id, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.GetAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Ok<McpServerDto>> UpdateServerAsync(long id, McpServerInput request, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.UpdateAsync(caller.CompanyId, id, request, cancellationToken));

    private static async Task<NoContent> DeleteServerAsync(long id, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken)
    {
        await servers.DeleteAsync(caller.CompanyId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<McpRefreshResult>> RefreshServerAsync(long id, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.RefreshAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Ok<IReadOnlyList<McpToolDto>>> ListToolsAsync(long? serverId, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.ToolsAsync(caller.CompanyId, serverId, cancellationToken));

    private static async Task<Ok<McpToolDto>> ClassifyToolAsync(long id, McpClassificationRequest request, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.ClassifyAsync(caller.CompanyId, id, request.Classification, caller.Actor, cancellationToken));

    private static async Task<Ok<IReadOnlyList<McpToolDto>>> GetGrantsAsync(long agentId, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.GrantsAsync(caller.CompanyId, agentId, cancellationToken));

    private static async Task<Ok<IReadOnlyList<McpToolDto>>> GrantAsync(long agentId, long toolId, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.GrantAsync(caller.CompanyId, agentId, toolId, caller.Actor, cancellationToken));

    private static async Task<Ok<IReadOnlyList<McpToolDto>>> RevokeAsync(long agentId, long toolId, ICompanyContext caller, McpServers servers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await servers.RevokeAsync(caller.CompanyId, agentId, toolId, cancellationToken));
}
