using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Grains;

namespace FluidManager.Knowledge.Spaces;

/// <summary>A company's knowledge (key = company id): creates spaces and lists them.</summary>
[GrainType("knowledge")]
public sealed class KnowledgeGrain(ITurnContext context) : DurableGrain, IKnowledgeGrain
{
    protected override ITurnContext Turn => context;

    public async Task<KnowledgeSpaceDto> CreateSpaceAsync(CreateSpaceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = command.CompanyId;
        await SpaceRows.EnsureCompanyAsync(context, companyId);
        SpaceRows.CheckName(command.Name);
        var scopeRef = string.IsNullOrWhiteSpace(command.ScopeRef) ? null : command.ScopeRef.Trim();
        CheckScope(command.Scope, scopeRef, command.AgentId);
        if ((command.Description?.Length ?? 0) > 4000)
        {
            throw new ValidationException("description", "must be at most 4000 characters");
        }

        if (command.AgentId is { } agentId && (await context.Sql(SpaceSql.AgentsOfCompany).With("company_id", companyId).With("ids", new[] { agentId }).ListAsync(r => r.GetInt64(0))).Count == 0)
        {
            throw new ValidationException("agentId", $"there is no agent {agentId} in this company");
        }

        var name = command.Name.Trim();
        if (await context.Sql(SpaceSql.NameTaken).With("company_id", companyId).With("name", name).With("id", (long?)null).ScalarAsync<bool>())
        {
            throw new ConflictException($"A knowledge space named '{name}' already exists.", "knowledge.space_name_taken");
        }

        var acl = await SpaceRows.NormaliseAclAsync(context, companyId, command.Acl ?? SpaceRows.DefaultAcl(command.Scope, scopeRef, command.AgentId));
        var id = await context.Sql(SpaceSql.InsertSpace)
            .With("company_id", companyId)
            .With("name", name)
            .With("description", command.Description?.Trim() ?? "")
            .With("scope", command.Scope.ToDb())
            .With("scope_ref", scopeRef)
            .With("agent_id", command.AgentId)
            .With("created_by", context.Actor)
            .With("now", context.Now)
            .ScalarAsync<long>();
        await SpaceRows.WriteAclAsync(context, companyId, id, acl);
        var space = await SpaceRows.LoadAsync(context, companyId, id);
        await context.PublishAsync(KnowledgeEvents.Stream(id), KnowledgeEvents.SpaceCreated, space, companyId);
        return space;
    }

    public async Task<IReadOnlyList<KnowledgeSpaceDto>> ListSpacesAsync(long companyId)
    {
        await SpaceRows.EnsureCompanyAsync(context, companyId);
        return await SpaceRows.ListAsync(context, context.Sql(SpaceSql.SpacesByCompany).With("company_id", companyId));
    }

    private static void CheckScope(SpaceScope scope, string? scopeRef, long? agentId)
    {
        var error = scope switch
        {
            _ when !Enum.IsDefined(scope) => ("scope", "must be company, department, project or agent"),
            SpaceScope.Company when scopeRef is not null || agentId is not null => ("scope", "a company space takes no scopeRef and no agentId"),
            SpaceScope.Department or SpaceScope.Project when scopeRef is null || scopeRef.Length > 100 => ("scopeRef", $"names the {scope.ToDb()} (1-100 characters)"),
            SpaceScope.Department or SpaceScope.Project when agentId is not null => ("agentId", $"a {scope.ToDb()} space takes no agentId"),
            SpaceScope.Agent when agentId is null => ("agentId", "is required for an agent space"),
            SpaceScope.Agent when scopeRef is not null => ("scopeRef", "an agent space takes no scopeRef"),
            _ => ((string, string)?)null,
        };
        if (error is { } e)
        {
            throw new ValidationException(e.Item1, e.Item2);
        }
    }
}
