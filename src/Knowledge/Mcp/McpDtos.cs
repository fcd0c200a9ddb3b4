using System.Text.Json;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// A registered MCP server as the API shows it. Secrets are never shown: <see cref="SecretNames"/> says
/// which are set (as environment variables of a stdio server, or headers of an HTTP one).
/// </summary>
public sealed record McpServerDto(
    long Id,
    string Name,
    string Transport,
    string? Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string? Url,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> SecretNames,
    bool Enabled,
    long Version,
    string Health,
    string? HealthError,
    DateTimeOffset? CheckedAt,
    long ToolCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A server to register or change. <see cref="Secrets"/> is write-only: a name with a value sets it, a
/// name with null removes it, a name left out keeps it (on a change).
/// </summary>
public sealed record McpServerInput(
    string? Name,
    string? Transport,
    string? Command,
    IReadOnlyList<string>? Arguments,
    IReadOnlyDictionary<string, string>? Environment,
    string? Url,
    IReadOnlyDictionary<string, string>? Headers,
    IReadOnlyDictionary<string, string?>? Secrets,
    bool? Enabled);

/// <summary>
/// A tool a server listed. <see cref="AgentName"/> is the name the agents' model sees (server and tool);
/// <see cref="Classification"/> (read, write, external) governs calls, from <see cref="DefaultClassification"/>
/// (the tool's annotations) unless the CEO changed it (<see cref="ClassifiedBy"/>).
/// </summary>
public sealed record McpToolDto(
    long Id,
    long ServerId,
    string Server,
    string Name,
    string AgentName,
    string? Title,
    string Description,
    JsonElement InputSchema,
    JsonElement? Annotations,
    string DefaultClassification,
    string Classification,
    string? ClassifiedBy,
    bool Present,
    IReadOnlyList<long> GrantedTo);

/// <summary>The outcome of connecting to a server and listing its tools.</summary>
public sealed record McpRefreshResult(McpServerDto Server, IReadOnlyList<McpToolDto> Tools);
