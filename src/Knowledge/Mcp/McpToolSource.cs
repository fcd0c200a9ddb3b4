using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Tools;
using FluidManager.Knowledge.Tools;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Npgsql;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// The MCP tools as the agent loop sees them: an agent is offered the tools granted to it (named
/// <c>server__tool</c>); the gate says whether a call may run and how the tool is classified; an allowed
/// call runs in the <c>agent.tool</c> activity, journalled by the activity's id (sent to the server as
/// the idempotency key in <c>_meta</c>): an attempt after a crash returns the answer already received,
/// and calls again only a tool that is idempotent.
/// </summary>
public sealed class McpToolSource(NpgsqlDataSource dataSource, McpServers servers, McpConnections connections, TimeProvider time, IOptions<KnowledgeOptions> options, ILogger<McpToolSource> logger)
    : IAgentToolSource
{
    public const string NotGranted = "mcp-tool-not-granted";
    public const string Unknown = "mcp-tool-unknown";

    public bool Owns(string toolName) => McpNames.TrySplit(toolName, out _, out _);

    public async Task<IReadOnlyList<ToolDefinition>> OfferedAsync(ITurnContext context, long companyId, long agentId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Sql(McpSql.OfferedTools).With("company_id", companyId).With("agent_id", agentId).ListAsync(r =>
        {
            var server = r.Get<string>("server");
            var name = r.Get<string>("name");
            var description = r.Get<string>("description");
            var title = r.GetStringOrNull("title");
            return ToolDefinition.Create(
                McpNames.AgentName(server, name),
                Clip($"[{server}] {(title is null ? "" : title + ": ")}{description}", 1000),
                r.Get<string>("input_schema"));
        });
    }

    public async Task<ToolGate> CheckAsync(ITurnContext context, long companyId, long agentId, string toolName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!McpNames.TrySplit(toolName, out var server, out var tool))
        {
            return ToolGate.Denied(Unknown, $"there is no tool '{toolName}'.");
        }

        var found = await context.Sql(McpSql.Gate).With("company_id", companyId).With("agent_id", agentId).With("server", server).With("tool", tool)
            .FirstOrDefaultAsync(r => new { Class = r.Get<string>("classification"), Present = r.Get<bool>("present"), Enabled = r.Get<bool>("enabled"), Granted = r.Get<bool>("granted") });
        if (found is null || !found.Present)
        {
            return ToolGate.Denied(Unknown, $"there is no tool '{tool}' on an MCP server '{server}' of this company.", server, tool);
        }

        if (!found.Granted)
        {
            return ToolGate.Denied(NotGranted, $"the tool '{tool}' of {server} is not granted to this agent.", server, tool);
        }

        if (!found.Enabled)
        {
            return ToolGate.Denied(NotGranted, $"the MCP server '{server}' is disabled.", server, tool);
        }

        return new ToolGate(true, found.Class switch { "read" => ToolClass.Read, "write" => ToolClass.Write, _ => ToolClass.External }, server, tool);
    }

    public async Task<AgentToolResult> ExecuteAsync(string toolName, ToolInvocation invocation, Guid idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!McpNames.TrySplit(toolName, out var serverName, out var toolPart))
        {
            return AgentToolResult.Error($"there is no tool '{toolName}'.");
        }

        if (ParseArguments(invocation.ArgumentsJson) is not { } arguments)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var target = await new NpgsqlCommand(McpSql.CallTarget, connection)
            .With("company_id", invocation.CompanyId).With("server", serverName).With("tool", toolPart)
            .FirstOrDefaultAsync(r => new { ToolId = r.Get<long>("id"), Class = r.Get<string>("classification"), Idempotent = r.Get<bool>("idempotent"), ServerId = r.Get<long>("server_id") }, cancellationToken);
        if (target is null || await servers.ConnectionAsync(invocation.CompanyId, target.ServerId, cancellationToken) is not { } server)
        {
            return AgentToolResult.Error($"the tool '{toolPart}' of {serverName} is no longer registered.");
        }

        var serverTool = await new NpgsqlCommand("SELECT name FROM mcp_tools WHERE id = @id", connection).With("id", target.ToolId).ScalarAsync<string>(cancellationToken) ?? toolPart;
        var journal = await new NpgsqlCommand(McpSql.StartCall, connection)
            .WithGuid(idempotencyKey).With("company_id", invocation.CompanyId).With("tool_id", target.ToolId).With("now", time.GetUtcNow())
            .FirstOrDefaultAsync(r => new { Status = r.Get<string>("status"), Attempts = r.Get<int>("attempts"), Result = r.GetStringOrNull("result") }, cancellationToken);
        if (journal is { Status: "finished", Result: { } kept })
        {
            return JsonSerializer.Deserialize<AgentToolResult>(kept, Runtime.RuntimeJson.Options)!; // answered before a crash: not called again
        }

        var metadata = new Dictionary<string, object?>
        {
            ["server"] = serverName,
            ["tool"] = serverTool,
            ["classification"] = target.Class,
            ["idempotencyKey"] = idempotencyKey,
        };
        if (journal!.Attempts > 1 && !(target.Idempotent || target.Class == "read"))
        {
            Log.McpCallNotRepeated(logger, invocation.CompanyId, serverName, serverTool);
            metadata["outcome"] = "unknown";
            return await FinishAsync(connection, idempotencyKey, AgentToolResult.Error(
                $"the call of {serverTool} was interrupted and its outcome is unknown; it was not repeated, because the tool is not idempotent. Check before calling it again.",
                ToolJson.Of(metadata)), cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        CallToolResult answer;
        try
        {
            answer = await connections.CallAsync(server, serverTool, arguments, idempotencyKey, cancellationToken);
        }
        catch (ModelContextProtocol.McpProtocolException ex)
        {
            metadata["error"] = ex.ErrorCode.ToString();
            return await FinishAsync(connection, idempotencyKey, AgentToolResult.Error(server.Scrub(ex.Message), ToolJson.Of(metadata)), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = server.Scrub(ex.Message);
            Log.McpServerFailed(logger, invocation.CompanyId, serverName, error);
            await servers.SetHealthAsync(server, healthy: false, error, CancellationToken.None);
            throw new InvalidOperationException($"The MCP server {serverName} failed during the call of {serverTool}: {error}"); // retried by the activity
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var text = Describe(answer);
        var max = options.Value.Mcp.MaxResultChars;
        metadata["isError"] = answer.IsError == true;
        metadata["contentBlocks"] = answer.Content.Count;
        metadata["chars"] = text.Length;
        metadata["truncated"] = text.Length > max;
        metadata["durationMs"] = elapsed;
        text = text.Length > max ? text[..max] + " […]" : text;
        Log.McpToolCalled(logger, invocation.CompanyId, serverName, serverTool, invocation.AgentId, answer.IsError == true ? "error" : "ok", elapsed);
        await servers.SetHealthAsync(server, healthy: true, null, CancellationToken.None);
        var result = answer.IsError == true ? AgentToolResult.Error(text, ToolJson.Of(metadata)) : AgentToolResult.Ok(text, ToolJson.Of(metadata));
        return await FinishAsync(connection, idempotencyKey, result, cancellationToken);
    }

    private async Task<AgentToolResult> FinishAsync(NpgsqlConnection connection, Guid activityId, AgentToolResult result, CancellationToken cancellationToken)
    {
        await new NpgsqlCommand(McpSql.FinishCall, connection)
            .WithGuid(activityId).With("result", JsonSerializer.Serialize(result, Runtime.RuntimeJson.Options)).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
        return result;
    }

    /// <summary>The answer as the model reads it: the text blocks in order, other blocks named, structured content when there is no text.</summary>
    private static string Describe(CallToolResult answer)
    {
        var text = new StringBuilder();
        foreach (var block in answer.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block is TextContentBlock t ? t.Text : $"[{block.Type} content]");
        }

        if (text.Length == 0 && answer.StructuredContent is { } structured)
        {
            text.Append(structured.GetRawText());
        }

        return text.Length == 0 ? "(no content)" : text.ToString();
    }

    private static Dictionary<string, JsonElement>? ParseArguments(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}

internal static class McpCommandExtensions
{
    public static NpgsqlCommand WithGuid(this NpgsqlCommand command, Guid activityId) => command.With("activity_id", activityId);
}
