using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Knowledge.Spaces;

/// <summary>Reading and checking spaces, ACL rules and documents inside a turn.</summary>
internal static class SpaceRows
{
    public const int MaxAclRules = 200;

    public static long KeyAsId(this ITurnContext context, string what) =>
        long.TryParse(context.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new NotFoundException(what, context.Key);

    public static async Task EnsureCompanyAsync(ITurnContext context, long companyId)
    {
        if (context.KeyAsId("Company") != companyId || !await context.Sql(SpaceSql.CompanyExists).With("company_id", companyId).ScalarAsync<bool>())
        {
            throw new NotFoundException("Company", companyId);
        }
    }

    public static async Task<KnowledgeSpaceDto> LoadAsync(ITurnContext context, long companyId, long spaceId) =>
        (await ListAsync(context, context.Sql(SpaceSql.SpaceById).With("id", spaceId).With("company_id", companyId))).FirstOrDefault()
        ?? throw new NotFoundException("Knowledge space", spaceId);

    public static async Task<IReadOnlyList<KnowledgeSpaceDto>> ListAsync(ITurnContext context, NpgsqlCommand command)
    {
        var rows = await command.ListAsync(r => (
            Id: r.Get<long>("id"), CompanyId: r.Get<long>("company_id"), Name: r.Get<string>("name"), Description: r.Get<string>("description"),
            Scope: DbEnum.Parse<SpaceScope>(r.Get<string>("scope")), ScopeRef: r.GetStringOrNull("scope_ref"), AgentId: r.GetOrNull<long>("agent_id"),
            Version: r.Get<long>("version"), CreatedBy: r.GetStringOrNull("created_by"), CreatedAt: r.Get<DateTimeOffset>("created_at"),
            UpdatedAt: r.Get<DateTimeOffset>("updated_at"), Documents: r.Get<int>("document_count"), Ready: r.Get<int>("ready_count"), Chunks: r.Get<long>("chunk_count")));
        if (rows.Count == 0)
        {
            return [];
        }

        var acl = await context.Sql(SpaceSql.AclOfSpaces).With("space_ids", rows.Select(r => r.Id).ToArray()).ListAsync(r => (
            SpaceId: r.Get<long>("space_id"),
            Rule: new AclRule(DbEnum.Parse<AclPrincipalKind>(r.Get<string>("principal_kind")), r.GetStringOrNull("principal"), r.GetOrNull<long>("agent_id"),
                r.Get<bool>("can_read"), r.Get<bool>("can_write"))));
        var bySpace = acl.ToLookup(a => a.SpaceId, a => a.Rule);
        return rows.Select(r => new KnowledgeSpaceDto(r.Id, r.CompanyId, r.Name, r.Description, r.Scope, r.ScopeRef, r.AgentId, bySpace[r.Id].ToList(),
            r.Documents, r.Ready, r.Chunks, r.Version, r.CreatedBy, r.CreatedAt, r.UpdatedAt)).ToList();
    }

    /// <summary>The rules a new space gets when none are given: the scope's audience.</summary>
    public static IReadOnlyList<AclRule> DefaultAcl(SpaceScope scope, string? scopeRef, long? agentId) => scope switch
    {
        SpaceScope.Company => [new AclRule(AclPrincipalKind.Everyone)],
        SpaceScope.Department => [new AclRule(AclPrincipalKind.Department, scopeRef)],
        SpaceScope.Agent => [new AclRule(AclPrincipalKind.Agent, AgentId: agentId, CanWrite: true)],
        _ => [],
    };

    /// <summary>Checks the rules (fields named <c>acl[i]</c>), with every agent they name in the company; returns them normalised.</summary>
    public static async Task<IReadOnlyList<AclRule>> NormaliseAclAsync(ITurnContext context, long companyId, IReadOnlyList<AclRule>? rules, string field = "acl")
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string key, string error) => (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(error);
        rules ??= [];
        if (rules.Count > MaxAclRules)
        {
            Add(field, $"at most {MaxAclRules} rules");
        }

        var normalised = new List<AclRule>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var key = $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (rule is null)
            {
                Add(key, "is required");
                continue;
            }

            if (!Enum.IsDefined(rule.Kind))
            {
                Add($"{key}.kind", "must be everyone, agent, role or department");
                continue;
            }

            if (!rule.CanRead && !rule.CanWrite)
            {
                Add(key, "must grant canRead or canWrite");
            }

            var name = rule.Name?.Trim().ToLowerInvariant();
            switch (rule.Kind)
            {
                case AclPrincipalKind.Everyone when name is { Length: > 0 } || rule.AgentId is not null:
                    Add(key, "an everyone rule takes no name and no agentId");
                    break;
                case AclPrincipalKind.Agent when rule.AgentId is null:
                    Add($"{key}.agentId", "is required for an agent rule");
                    break;
                case AclPrincipalKind.Agent when name is { Length: > 0 }:
                    Add($"{key}.name", "an agent rule takes agentId, not a name");
                    break;
                case AclPrincipalKind.Role or AclPrincipalKind.Department when string.IsNullOrEmpty(name) || name.Length > 100:
                    Add($"{key}.name", $"is required for a {rule.Kind.ToDb()} rule (1-100 characters)");
                    break;
                case AclPrincipalKind.Role or AclPrincipalKind.Department when rule.AgentId is not null:
                    Add($"{key}.agentId", $"a {rule.Kind.ToDb()} rule takes a name, not an agentId");
                    break;
            }

            normalised.Add(rule with { Name = rule.Kind is AclPrincipalKind.Role or AclPrincipalKind.Department ? name : null });
        }

        var duplicates = normalised.GroupBy(r => (r.Kind, r.Name, r.AgentId)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var duplicate in duplicates)
        {
            Add(field, $"two rules for the same principal ({duplicate.Kind.ToDb()} {duplicate.Name ?? duplicate.AgentId?.ToString(CultureInfo.InvariantCulture)})");
        }

        var agentIds = normalised.Where(r => r.AgentId is not null).Select(r => r.AgentId!.Value).Distinct().ToArray();
        if (agentIds.Length > 0)
        {
            var known = (await context.Sql(SpaceSql.AgentsOfCompany).With("company_id", companyId).With("ids", agentIds).ListAsync(r => r.GetInt64(0))).ToHashSet();
            for (var i = 0; i < normalised.Count; i++)
            {
                if (normalised[i].AgentId is { } id && !known.Contains(id))
                {
                    Add($"{field}[{i.ToString(CultureInfo.InvariantCulture)}].agentId", $"there is no agent {id} in this company");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        return normalised;
    }

    public static async Task WriteAclAsync(ITurnContext context, long companyId, long spaceId, IReadOnlyList<AclRule> rules)
    {
        await context.Sql(SpaceSql.DeleteAcl).With("space_id", spaceId).ExecuteAsync();
        if (rules.Count == 0)
        {
            return;
        }

        await context.Sql(SpaceSql.InsertAcl)
            .With("company_id", companyId)
            .With("space_id", spaceId)
            .With("kinds", rules.Select(r => r.Kind.ToDb()).ToArray())
            .With("principals", rules.Select(r => r.Name!).ToArray())
            .With("agent_ids", rules.Select(r => r.AgentId ?? 0).ToArray())
            .With("now", context.Now)
            .WithBools("can_read", rules.Select(r => r.CanRead).ToArray())
            .WithBools("can_write", rules.Select(r => r.CanWrite).ToArray())
            .ExecuteAsync();
    }

    public static void CheckName(string? name, string field = "name")
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            throw new ValidationException(field, "is required (1-200 characters)");
        }
    }

    public static DocumentRow MapDocument(NpgsqlDataReader r) => new(
        new DocumentDto(
            r.Get<long>("id"), r.Get<long>("company_id"), r.Get<long>("space_id"), r.Get<string>("name"), r.Get<string>("content_type"),
            r.Get<long>("size_bytes"), r.Get<string>("sha256"), DbEnum.Parse<DocumentStatus>(r.Get<string>("status")), r.GetStringOrNull("error"),
            r.GetStringOrNull("format"), r.Get<int>("generation"), r.GetOrNull<int>("active_generation"), r.Get<int>("chunk_count"), r.Get<long>("char_count"),
            r.Get<int>("attempts"), r.GetStringOrNull("progress") is { } progress ? JsonDocument.Parse(progress).RootElement.Clone() : null,
            r.GetStringOrNull("uploaded_by"), r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"), r.GetOrNull<DateTimeOffset>("ingested_at"),
            r.Get<string[]>("tags"), JsonSerializer.Deserialize<Dictionary<string, string>>(r.Get<string>("metadata")) ?? new Dictionary<string, string>(),
            r.Get<long>("version")),
        r.Get<string>("storage_key"),
        r.GetOrNull<Guid>("activity_id"));

    /// <summary>Tags as text[] (null leaves the column as it is in the statements that coalesce).</summary>
    public static NpgsqlCommand WithTags(this NpgsqlCommand command, IReadOnlyList<string>? tags)
    {
        command.Parameters.Add(new NpgsqlParameter("tags", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = tags?.ToArray() ?? (object)DBNull.Value });
        return command;
    }

    /// <summary>Metadata as a JSON object (null leaves the column as it is in the statements that coalesce).</summary>
    public static NpgsqlCommand WithMetadata(this NpgsqlCommand command, IReadOnlyDictionary<string, string>? metadata)
    {
        command.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = metadata is null ? DBNull.Value : JsonSerializer.Serialize(metadata) });
        return command;
    }

    private static NpgsqlCommand WithBools(this NpgsqlCommand command, string name, bool[] values)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Boolean) { Value = values });
        return command;
    }
}

/// <summary>A document with what only the grain needs: where its bytes are and which activity ingests it.</summary>
internal sealed record DocumentRow(DocumentDto Document, string StorageKey, Guid? ActivityId);
