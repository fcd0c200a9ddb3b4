using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// What the sections of one export or import share: the turn, the company, and the agents' references. A
/// document names agents by reference (<c>agent-1</c>, <c>agent-2</c>… in the order the agents section lists
/// them), never by id, so that a document exported again after an import is the same document.
/// </summary>
public sealed class TransferScope(ITurnContext turn, long companyId, bool documents)
{
    private readonly Dictionary<long, string> _refs = [];
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);

    /// <summary>How a document writes and reads values: camelCase, enums in snake_case.</summary>
    public static JsonSerializerOptions Json { get; } = new(RuntimeJson.Options) { WriteIndented = true };

    public ITurnContext Turn => turn;

    public long CompanyId => companyId;

    /// <summary>Whether the export carries the knowledge documents' contents.</summary>
    public bool Documents => documents;

    /// <summary>Records an agent's reference (export: in listing order; import: once created).</summary>
    public void MapAgent(string reference, long agentId)
    {
        _refs[agentId] = reference;
        _ids[reference] = agentId;
    }

    /// <summary>The agents' references and ids mapped so far.</summary>
    public IReadOnlyDictionary<string, long> AgentIds => _ids;

    /// <summary>The reference of an exported agent.</summary>
    public string RefOf(long agentId) => _refs.TryGetValue(agentId, out var reference)
        ? reference
        : throw new InvalidOperationException($"Agent {agentId} is not in the agents section.");

    /// <summary>The id of the agent a document item refers to, or a validation error naming the field.</summary>
    public long IdOf(JsonNode? reference, string field) =>
        reference?.GetValueKind() == JsonValueKind.String && _ids.TryGetValue(reference.GetValue<string>(), out var id)
            ? id
            : throw new ValidationException(field, $"must name an agent of the agents section ({reference?.ToJsonString() ?? "missing"})");

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Json)!;

    /// <summary>Reads a section item as <typeparamref name="T"/>; a malformed item is a validation error naming it.</summary>
    public static T FromNode<T>(JsonNode? node, string field)
    {
        if (node is null)
        {
            throw new ValidationException(field, "is required");
        }

        try
        {
            return node.Deserialize<T>(Json)!;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ValidationException(field, $"is not valid: {e.Message}");
        }
    }
}
