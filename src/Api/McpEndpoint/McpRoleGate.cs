using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FluidManager.Api.McpEndpoint;

/// <summary>
/// The caller's role governs each tool, by the REST API's own policy: a tool annotated read-only is
/// open to every member of the company (<see cref="AccessPolicies.Read"/>, enforced on /mcp itself);
/// any other tool changes the company and needs <see cref="AccessPolicies.Command"/> (the ceo). A
/// viewer's or an admin's token does not see those tools in tools/list, and a call to one is
/// refused with an error result that says why.
/// </summary>
internal static class McpRoleGate
{
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> ListTools(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            if (await MayCommandAsync(context.Services, context.User))
            {
                return result;
            }

            result.Tools = result.Tools.Where(IsReadOnly).ToList();
            return result;
        };

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> CallTool(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var name = context.Params?.Name ?? "";
            var tool = context.MatchedPrimitive as McpServerTool;
            if (tool is null && context.Server.ServerOptions.ToolCollection is { } tools && tools.TryGetPrimitive(name, out var found))
            {
                tool = found;
            }

            if (tool is null || IsReadOnly(tool.ProtocolTool) || await MayCommandAsync(context.Services, context.User))
            {
                return await next(context, cancellationToken);
            }

            var identity = AccessClaims.ToIdentity(context.User);
            var role = identity?.Role ?? "none";
            if (identity is not null && context.Services?.GetService<ILoggerFactory>() is { } logs)
            {
                Log.McpToolRefused(logs.CreateLogger(typeof(McpRoleGate)), name, identity.UserId, identity.CompanyId, role);
            }

            return new CallToolResult
            {
                IsError = true,
                Content =
                [
                    new TextContentBlock
                    {
                        Text = $"Forbidden (forbidden): the tool '{name}' changes the company and needs the {CompanyRoles.Ceo} role; this token's role is {role}, which may use the read-only tools only.",
                    },
                ],
            };
        };

    private static bool IsReadOnly(Tool tool) => tool.Annotations?.ReadOnlyHint == true;

    private static async Task<bool> MayCommandAsync(IServiceProvider? services, System.Security.Claims.ClaimsPrincipal? user)
    {
        if (services is null || user is null)
        {
            return false;
        }

        var authorization = services.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(user, AccessPolicies.Command)).Succeeded;
    }
}
