using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Transfer;
using FluidManager.Runtime.Grains;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// The knowledge spaces of a company document: name, description, scope and ACL (agents by reference). The
/// documents' bytes stay in object storage: <c>GET /api/company/export?documents=true</c> adds them, with their
/// tags and metadata.
/// </summary>
public sealed class KnowledgeSpacesSection : ICompanySection
{
    /// <summary>A space's documents for an export with documents: the API replaces each storage key by the bytes.</summary>
    private const string DocumentsOfSpace = """
        SELECT name, content_type, size_bytes, sha256, storage_key, tags, metadata::text FROM knowledge_documents
        WHERE company_id = @company_id AND space_id = @space_id ORDER BY id
        """;

    public string Name => "knowledgeSpaces";

    public int Order => 60;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var spaces = await Grain(scope).ReadAsync(g => g.ListSpacesAsync(scope.CompanyId));
        var items = new JsonArray();
        foreach (var s in spaces.OrderBy(s => s.Id))
        {
            var item = new JsonObject
            {
                ["name"] = s.Name,
                ["description"] = s.Description,
                ["scope"] = TransferScope.ToNode(s.Scope),
                ["scopeRef"] = s.ScopeRef,
                ["agent"] = s.AgentId is { } agent ? scope.RefOf(agent) : null,
                ["acl"] = new JsonArray([.. s.Acl.Select(r => new JsonObject
                {
                    ["kind"] = TransferScope.ToNode(r.Kind),
                    ["name"] = r.Name,
                    ["agent"] = r.AgentId is { } id ? scope.RefOf(id) : null,
                    ["canRead"] = r.CanRead,
                    ["canWrite"] = r.CanWrite,
                })]),
            };
            if (scope.Documents)
            {
                item["documents"] = new JsonArray([.. await scope.Turn.Sql(DocumentsOfSpace).With("company_id", scope.CompanyId).With("space_id", s.Id).ListAsync(r => new JsonObject
                {
                    ["name"] = r.GetString(0),
                    ["contentType"] = r.GetString(1),
                    ["sizeBytes"] = r.GetInt64(2),
                    ["sha256"] = r.GetString(3),
                    ["storageKey"] = r.GetString(4),
                    ["tags"] = new JsonArray([.. r.GetFieldValue<string[]>(5).Select(t => JsonValue.Create(t))]),
                    ["metadata"] = JsonNode.Parse(r.GetString(6)),
                })]);
            }

            items.Add(item);
        }

        return items;
    }

    public async Task<int> CountAsync(TransferScope scope) => (await Grain(scope).ReadAsync(g => g.ListSpacesAsync(scope.CompanyId))).Count;

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        if (section is not JsonArray spaces)
        {
            throw new Grains.Interfaces.Errors.ValidationException("sections.knowledgeSpaces", "must be a JSON array");
        }

        for (var i = 0; i < spaces.Count; i++)
        {
            var field = $"sections.knowledgeSpaces[{i}]";
            var item = spaces[i] ?? throw new Grains.Interfaces.Errors.ValidationException(field, "is required");
            var acl = new List<AclRule>();
            if (item["acl"] is JsonArray rules)
            {
                for (var j = 0; j < rules.Count; j++)
                {
                    var rule = rules[j];
                    acl.Add(new AclRule(
                        TransferScope.FromNode<AclPrincipalKind>(rule?["kind"], $"{field}.acl[{j}].kind"),
                        rule?["name"]?.ToString(),
                        rule?["agent"] is { } agent ? scope.IdOf(agent, $"{field}.acl[{j}].agent") : null,
                        rule?["canRead"]?.GetValue<bool>() ?? true,
                        rule?["canWrite"]?.GetValue<bool>() ?? false));
                }
            }

            await Grain(scope).CallAsync(g => g.CreateSpaceAsync(new CreateSpaceCommand(
                scope.CompanyId,
                item["name"]?.ToString() ?? "",
                item["description"]?.ToString(),
                TransferScope.FromNode<SpaceScope>(item["scope"], $"{field}.scope"),
                item["scopeRef"]?.ToString(),
                item["agent"] is { } owner ? scope.IdOf(owner, $"{field}.agent") : null,
                acl)));
        }
    }

    public string KeyOf(JsonNode item) => item["name"]?.ToString() ?? "";

    private static IJoinedGrain<IKnowledgeGrain> Grain(TransferScope scope) => scope.Turn.Join<IKnowledgeGrain>(scope.CompanyId);
}
