using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// The MCP servers of a company: registration (secrets encrypted, never read back), connecting and
/// listing tools (health follows every attempt), the classification of each tool and the grants of
/// each agent. Every statement is scoped by company.
/// </summary>
public sealed class McpServers(
    NpgsqlDataSource dataSource, McpSecrets secrets, McpConnections connections, TimeProvider time, IOptions<KnowledgeOptions> options, ILogger<McpServers> logger)
{
    public const string Stdio = "stdio";
    public const string Http = "http";
    private static readonly string[] Classes = ["read", "write", "external"];

    public async Task<IReadOnlyList<McpServerDto>> ListAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(McpSql.ListServers, connection).With("company_id", companyId).ListAsync(MapServer, cancellationToken);
    }

    public async Task<McpServerDto> GetAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(McpSql.ServerById, connection).With("company_id", companyId).With("id", id).FirstOrDefaultAsync(MapServer, cancellationToken)
            ?? throw new NotFoundException("MCP server", id);
    }

    /// <summary>Registers a server (409 when the name is taken); its tools are listed by <see cref="RefreshAsync"/>.</summary>
    public async Task<McpServerDto> CreateAsync(long companyId, McpServerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var valid = Validate(input, existing: null, options.Value.Mcp);
        var named = Secrets(input.Secrets, new Dictionary<string, string>());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await Bind(new NpgsqlCommand(McpSql.InsertServer, connection), companyId, valid, named).ScalarAsync<long?>(cancellationToken)
            ?? throw new ConflictException($"An MCP server named '{valid.Name}' is already registered.");
        return await GetAsync(companyId, id, cancellationToken);
    }

    /// <summary>Changes a server: every field given replaces the stored one; secrets are merged (a null value removes one).</summary>
    public async Task<McpServerDto> UpdateAsync(long companyId, long id, McpServerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await GetAsync(companyId, id, cancellationToken);
        var valid = Validate(input, current, options.Value.Mcp);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await new NpgsqlCommand(McpSql.SecretsOfServer, connection, transaction).With("company_id", companyId).With("id", id).ScalarAsync<string>(cancellationToken);
        var named = Secrets(input.Secrets, secrets.Unprotect(companyId, stored));
        try
        {
            await Bind(new NpgsqlCommand(McpSql.UpdateServer, connection, transaction), companyId, valid, named).With("id", id).ExecuteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"An MCP server named '{valid.Name}' is already registered.");
        }

        return await GetAsync(companyId, id, cancellationToken);
    }

    public async Task DeleteAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await new NpgsqlCommand(McpSql.DeleteServer, connection).With("company_id", companyId).With("id", id).ExecuteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException("MCP server", id);
        }
    }

    /// <summary>
    /// Connects (or reuses the connection), lists the tools and stores them with their default class;
    /// the server's health records the outcome. A failure is not an exception: the server comes back
    /// failing, with the error (secrets removed).
    /// </summary>
    public async Task<McpRefreshResult> RefreshAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        var server = await ConnectionAsync(companyId, id, cancellationToken) ?? throw new NotFoundException("MCP server", id);
        IList<McpClientTool> tools;
        try
        {
            if (!server.Enabled)
            {
                throw new InvalidOperationException("the server is disabled");
            }

            tools = await connections.ListToolsAsync(server, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = server.Scrub(ex.Message);
            Log.McpServerFailed(logger, companyId, server.Name, error);
            await SetHealthAsync(server, healthy: false, error, cancellationToken);
            return new McpRefreshResult(await GetAsync(companyId, id, cancellationToken), await ToolsAsync(companyId, id, cancellationToken));
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            foreach (var tool in tools)
            {
                var definition = tool.ProtocolTool;
                await new NpgsqlCommand(McpSql.UpsertTool, connection, transaction)
                    .With("company_id", companyId)
                    .With("server_id", id)
                    .With("name", definition.Name)
                    .With("title", definition.Title ?? definition.Annotations?.Title)
                    .With("description", definition.Description ?? "")
                    .With("input_schema", definition.InputSchema.GetRawText())
                    .With("annotations", definition.Annotations is null ? null : JsonSerializer.Serialize(definition.Annotations))
                    .With("classification", DefaultClass(definition.Annotations))
                    .With("now", now)
                    .ExecuteAsync(cancellationToken);
            }

            await new NpgsqlCommand(McpSql.MarkAbsentTools, connection, transaction).With("server_id", id).With("names", tools.Select(t => t.Name).ToList()).ExecuteAsync(cancellationToken);
            await new NpgsqlCommand(McpSql.SetHealth, connection, transaction)
                .With("company_id", companyId).With("id", id).With("version", server.Version).With("health", "healthy").With("error", (string?)null).With("now", now)
                .ExecuteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Log.McpToolsListed(logger, companyId, server.Name, tools.Count);
        return new McpRefreshResult(await GetAsync(companyId, id, cancellationToken), await ToolsAsync(companyId, id, cancellationToken));
    }

    public async Task<IReadOnlyList<McpToolDto>> ToolsAsync(long companyId, long? serverId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(McpSql.ListTools, connection).With("company_id", companyId).With("server_id", serverId).ListAsync(MapTool, cancellationToken);
    }

    public async Task<McpToolDto> ToolAsync(long companyId, long toolId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(McpSql.ToolById, connection).With("company_id", companyId).With("id", toolId).FirstOrDefaultAsync(MapTool, cancellationToken)
            ?? throw new NotFoundException("MCP tool", toolId);
    }

    /// <summary>Sets a tool's class (read, write or external); null goes back to the default of its annotations.</summary>
    public async Task<McpToolDto> ClassifyAsync(long companyId, long toolId, string? classification, string actor, CancellationToken cancellationToken)
    {
        var value = classification?.Trim().ToLowerInvariant();
        if (value is not null && !Classes.Contains(value))
        {
            throw new ValidationException("classification", $"'{classification}' is not a class; use read, write or external (or null for the default)");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await new NpgsqlCommand(McpSql.SetClassification, connection)
                .With("company_id", companyId).With("id", toolId).With("classification", value).With("actor", actor).ExecuteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException("MCP tool", toolId);
        }

        return await ToolAsync(companyId, toolId, cancellationToken);
    }

    public async Task<IReadOnlyList<McpToolDto>> GrantsAsync(long companyId, long agentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsureAgentAsync(connection, companyId, agentId, cancellationToken);
        return await new NpgsqlCommand(McpSql.GrantsOfAgent, connection).With("company_id", companyId).With("agent_id", agentId).ListAsync(MapTool, cancellationToken);
    }

    /// <summary>Grants a tool to an agent (idempotent).</summary>
    public async Task<IReadOnlyList<McpToolDto>> GrantAsync(long companyId, long agentId, long toolId, string actor, CancellationToken cancellationToken)
    {
        await ToolAsync(companyId, toolId, cancellationToken);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await EnsureAgentAsync(connection, companyId, agentId, cancellationToken);
            await new NpgsqlCommand(McpSql.Grant, connection)
                .With("company_id", companyId).With("agent_id", agentId).With("tool_id", toolId).With("actor", actor).With("now", time.GetUtcNow())
                .ExecuteAsync(cancellationToken);
        }

        return await GrantsAsync(companyId, agentId, cancellationToken);
    }

    /// <summary>Revokes a tool from an agent (idempotent).</summary>
    public async Task<IReadOnlyList<McpToolDto>> RevokeAsync(long companyId, long agentId, long toolId, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await EnsureAgentAsync(connection, companyId, agentId, cancellationToken);
            await new NpgsqlCommand(McpSql.Revoke, connection).With("company_id", companyId).With("agent_id", agentId).With("tool_id", toolId).ExecuteAsync(cancellationToken);
        }

        return await GrantsAsync(companyId, agentId, cancellationToken);
    }

    /// <summary>The server's settings with its secrets decrypted, for connecting; null when there is no such server.</summary>
    internal async Task<McpServerConnection?> ConnectionAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(McpSql.ConnectionById, connection).With("company_id", companyId).With("id", id).FirstOrDefaultAsync(r => new McpServerConnection(
            r.Get<long>("id"),
            r.Get<long>("company_id"),
            r.Get<string>("name"),
            r.Get<string>("transport"),
            r.GetStringOrNull("command"),
            r.Get<string[]>("arguments"),
            Map(r.Get<string>("environment")),
            r.GetStringOrNull("url"),
            Map(r.Get<string>("headers")),
            secrets.Unprotect(companyId, r.GetStringOrNull("secrets")),
            r.Get<long>("version"),
            r.Get<bool>("enabled")), cancellationToken);
    }

    internal async Task SetHealthAsync(McpServerConnection server, bool healthy, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(McpSql.SetHealth, connection)
            .With("company_id", server.CompanyId).With("id", server.Id).With("version", server.Version)
            .With("health", healthy ? "healthy" : "failing").With("error", error is null ? null : Clip(error, 2000)).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
    }

    /// <summary>
    /// The class a tool starts with, from its MCP annotations (whose defaults, when absent, assume the worst:
    /// not read-only, destructive, open world): read-only is read; open world is external; otherwise write.
    /// </summary>
    public static string DefaultClass(ModelContextProtocol.Protocol.ToolAnnotations? annotations) =>
        annotations?.ReadOnlyHint == true ? "read"
        : annotations?.OpenWorldHint ?? true ? "external"
        : "write";

    private static async Task EnsureAgentAsync(NpgsqlConnection connection, long companyId, long agentId, CancellationToken cancellationToken)
    {
        if (!await new NpgsqlCommand(McpSql.AgentExists, connection).With("company_id", companyId).With("agent_id", agentId).ScalarAsync<bool>(cancellationToken))
        {
            throw new NotFoundException("Agent", agentId);
        }
    }

    private sealed record ValidServer(string Name, string Transport, string? Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment,
        string? Url, IReadOnlyDictionary<string, string> Headers, bool Enabled);

    private static ValidServer Validate(McpServerInput input, McpServerDto? existing, McpToolOptions mcp)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? existing?.Name;
        if (!McpNames.IsServerName(name))
        {
            errors["name"] = [name is null ? "is required" : $"'{name}' is not a server name: 1 to 30 lower-case letters, digits or hyphens, starting with a letter"];
        }

        var transport = input.Transport?.Trim().ToLowerInvariant() ?? existing?.Transport;
        string? command = null, url = null;
        if (transport == Stdio)
        {
            command = input.Command?.Trim() ?? (existing?.Transport == Stdio ? existing.Command : null);
            if (string.IsNullOrEmpty(command))
            {
                errors["command"] = ["is required for a stdio server (the program to start, such as npx or node)"];
            }
            else if (mcp.CommandProblem(command) is { } problem)
            {
                errors["command"] = [problem];
            }
        }
        else if (transport == Http)
        {
            url = input.Url?.Trim() ?? (existing?.Transport == Http ? existing.Url : null);
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors["url"] = [url is null ? "is required for an http server" : $"'{url}' is not an absolute http or https address"];
            }
            else if (McpConnections.AddressPolicy.RefusedLiteral(uri) is { } refused)
            {
                errors["url"] = [$"{refused} is not an address an MCP server may have: {McpConnections.AddressPolicy.Refusal}"];
            }
        }
        else
        {
            errors["transport"] = [transport is null ? "is required: stdio or http" : $"'{transport}' is not a transport; use stdio or http"];
        }

        var environment = input.Environment ?? existing?.Environment ?? new Dictionary<string, string>();
        if (environment.Keys.FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Contains('=', StringComparison.Ordinal)) is { } badVariable)
        {
            errors["environment"] = [$"'{badVariable}' is not a variable name"];
        }

        var headers = input.Headers ?? existing?.Headers ?? new Dictionary<string, string>();
        if (headers.Keys.FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Any(c => c <= ' ' || c == ':')) is { } badHeader)
        {
            errors["headers"] = [$"'{badHeader}' is not a header name"];
        }

        if (input.Secrets?.Keys.FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Any(c => c <= ' ' || c is ':' or '=')) is { } badSecret)
        {
            errors["secrets"] = [$"'{badSecret}' is not a variable or header name"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        return new ValidServer(name!, transport!, command, input.Arguments ?? existing?.Arguments ?? [], environment, url, headers, input.Enabled ?? existing?.Enabled ?? true);
    }

    private static Dictionary<string, string> Secrets(IReadOnlyDictionary<string, string?>? changes, IReadOnlyDictionary<string, string> stored)
    {
        var merged = new Dictionary<string, string>(stored, StringComparer.Ordinal);
        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private NpgsqlCommand Bind(NpgsqlCommand command, long companyId, ValidServer server, Dictionary<string, string> named) => command
        .With("company_id", companyId)
        .With("name", server.Name)
        .With("transport", server.Transport)
        .With("command", server.Command)
        .With("arguments", server.Arguments)
        .With("environment", JsonSerializer.Serialize(server.Environment))
        .With("url", server.Url)
        .With("headers", JsonSerializer.Serialize(server.Headers))
        .With("secret_names", named.Keys.Order(StringComparer.Ordinal).ToList())
        .With("secrets", secrets.Protect(companyId, named))
        .With("enabled", server.Enabled)
        .With("now", time.GetUtcNow());

    private static McpServerDto MapServer(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<string>("name"),
        r.Get<string>("transport"),
        r.GetStringOrNull("command"),
        r.Get<string[]>("arguments"),
        Map(r.Get<string>("environment")),
        r.GetStringOrNull("url"),
        Map(r.Get<string>("headers")),
        r.Get<string[]>("secret_names"),
        r.Get<bool>("enabled"),
        r.Get<long>("version"),
        r.Get<string>("health"),
        r.GetStringOrNull("health_error"),
        r.GetOrNull<DateTimeOffset>("checked_at"),
        r.Get<long>("tool_count"),
        r.Get<DateTimeOffset>("created_at"),
        r.Get<DateTimeOffset>("updated_at"));

    private static McpToolDto MapTool(NpgsqlDataReader r)
    {
        var server = r.Get<string>("server");
        var name = r.Get<string>("name");
        return new McpToolDto(
            r.Get<long>("id"),
            r.Get<long>("server_id"),
            server,
            name,
            McpNames.AgentName(server, name),
            r.GetStringOrNull("title"),
            r.Get<string>("description"),
            Parse(r.Get<string>("input_schema")),
            r.GetStringOrNull("annotations") is { } annotations ? Parse(annotations) : null,
            r.Get<string>("default_classification"),
            r.Get<string>("classification"),
            r.GetStringOrNull("classified_by"),
            r.Get<bool>("present"),
            r.Get<long[]>("granted_to"));
    }

    private static Dictionary<string, string> Map(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
