using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Grains.Organization;

/// <summary>
/// One per company (key = company id): the only writer of the org chart, the keeper of the rules,
/// and the judge of delegation questions. Questions are read-only turns answered from the chart and
/// rules the activation keeps in memory; every change to them (here, or an agent's name, role,
/// department or status written by its own grain, which posts an <see cref="AgentChanged"/> message)
/// is a write turn of this grain, after which the memory is read again.
/// </summary>
[GrainType("hierarchy-policy")]
[WarmReads]
public sealed class HierarchyPolicyGrain(ITurnContext context, ILogger<HierarchyPolicyGrain> logger) : DurableGrain, IHierarchyPolicyGrain, IHandle<AgentChanged>
{
    private WarmState<OrgMemory>? _memory;

    protected override ITurnContext Turn => context;

    private WarmState<OrgMemory> Memory => _memory ??= Warm(LoadMemoryAsync);

    public async Task<OrgChartDto> GetOrgChartAsync(GetOrgChartQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.AsOf is { } asOf)
        {
            return await ChartAsync(await context.EnsureCompanyAsync(query.CompanyId), asOf);
        }

        var memory = await RememberAsync(query.CompanyId);
        return new OrgChartDto(memory.CompanyId, memory.Version, context.Now, memory.Edges);
    }

    public async Task<OrgChartDto> AddEdgeAsync(AddOrgEdgeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await BeginChangeAsync(command.CompanyId, command.ExpectedVersion);
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var subordinate = Require(org, command.SubordinateAgentId);
        var manager = command.ManagerAgentId is { } m ? Require(org, m) : null;
        if (org.IsPlaced(subordinate.Id))
        {
            throw new ConflictException(
                $"{subordinate.Label} already reports to {Describe(org, org.ManagerOf(subordinate.Id))}: an agent has one manager. Move it instead.",
                "org.two_managers");
        }

        await CheckPlacementAsync(companyId, org, manager, subordinate, "org.add_edge");
        var started = await InsertEdgeAsync(companyId, manager?.Id, subordinate.Id);
        return await CommitChangeAsync(companyId, EventTypes.OrgEdgeAdded, subordinate.Id, ended: null, started);
    }

    public async Task<OrgChartDto> RemoveEdgeAsync(RemoveOrgEdgeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await BeginChangeAsync(command.CompanyId, command.ExpectedVersion);
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var subordinate = Require(org, command.SubordinateAgentId);
        var ended = await EndEdgeAsync(companyId, subordinate.Id) ?? throw new NotFoundException("Reporting line of agent", subordinate.Id);
        return await CommitChangeAsync(companyId, EventTypes.OrgEdgeRemoved, subordinate.Id, ended, started: null);
    }

    public async Task<OrgChartDto> MoveSubtreeAsync(MoveSubtreeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await BeginChangeAsync(command.CompanyId, command.ExpectedVersion);
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var agent = Require(org, command.AgentId);
        var manager = command.NewManagerAgentId is { } m ? Require(org, m) : null;
        if (org.IsPlaced(agent.Id) && org.ManagerOf(agent.Id) == manager?.Id)
        {
            return await ChartAsync(companyId, null);
        }

        await CheckPlacementAsync(companyId, org, manager, agent, "org.move_subtree");
        var ended = await EndEdgeAsync(companyId, agent.Id);
        var started = await InsertEdgeAsync(companyId, manager?.Id, agent.Id);
        return await CommitChangeAsync(companyId, EventTypes.OrgSubtreeMoved, agent.Id, ended, started);
    }

    public async Task<IReadOnlyList<PolicyRuleDto>> ListRulesAsync(long companyId) => (await RememberAsync(companyId)).Rules;

    public async Task<PolicyRuleDto> AddRuleAsync(AddPolicyRuleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        PolicyRuleStore.ValidateName(command.Name);
        var settings = PolicyRuleStore.Settings(command.Kind, command.Description, command.DelegationScope, command.RoleSeparation, command.Approval);
        var rule = await context.Sql(OrgSql.InsertRule)
            .With("company_id", companyId)
            .With("name", command.Name)
            .With<PolicyRuleKind>("kind", command.Kind)
            .With("description", command.Description.Trim())
            .WithJson("data", settings)
            .With("enabled", command.Enabled)
            .With("now", context.Now)
            .FirstOrDefaultAsync(PolicyRuleStore.Map)
            ?? throw new ConflictException($"A rule named '{command.Name}' already exists.", "policy.rule_exists");
        await context.PublishAsync(Streams.Company(companyId), EventTypes.PolicyRuleAdded, rule, companyId);
        return rule;
    }

    public async Task<PolicyRuleDto> UpdateRuleAsync(UpdatePolicyRuleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var current = await LoadRuleAsync(companyId, command.RuleId);
        Guard.Version($"Rule {current.Name}", command.ExpectedVersion, current.Version);
        var settings = PolicyRuleStore.Settings(current.Kind, command.Description, command.DelegationScope, command.RoleSeparation, command.Approval);
        var rule = await context.Sql(OrgSql.UpdateRule)
            .With("company_id", companyId)
            .With("id", current.Id)
            .With("description", command.Description.Trim())
            .WithJson("data", settings)
            .With("enabled", command.Enabled)
            .With("now", context.Now)
            .FirstOrDefaultAsync(PolicyRuleStore.Map);
        await context.PublishAsync(Streams.Company(companyId), EventTypes.PolicyRuleUpdated, rule!, companyId);
        return rule!;
    }

    public async Task DeleteRuleAsync(DeletePolicyRuleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var current = await LoadRuleAsync(companyId, command.RuleId);
        Guard.Version($"Rule {current.Name}", command.ExpectedVersion, current.Version);
        await context.Sql(OrgSql.DeleteRule).With("company_id", companyId).With("id", current.Id).ExecuteAsync();
        await context.PublishAsync(Streams.Company(companyId), EventTypes.PolicyRuleDeleted, current, companyId);
    }

    public async Task<PolicyDecision> CanAssignAsync(CanAssignQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var (_, _, org, rules, _) = await RememberAsync(question.CompanyId);
        return PolicyEngine.CanAssign(org, rules, Require(org, question.FromAgentId), Require(org, question.ToAgentId));
    }

    public async Task<PolicyDecision> CanManageAsync(CanManageQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var (_, _, org, rules, _) = await RememberAsync(question.CompanyId);
        var subordinate = Require(org, question.SubordinateAgentId);
        var manager = question.ManagerAgentId is { } m ? Require(org, m) : null;
        if (manager is not null && org.IsInSubtree(manager.Id, subordinate.Id))
        {
            return PolicyDecision.Deny("org:cycle", CycleReason(manager, subordinate));
        }

        return PolicyEngine.CheckChange(org, org.WithManager(subordinate.Id, manager?.Id), rules);
    }

    public async Task<ApprovalDecision> RequiresApprovalAsync(ApprovalQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return PolicyEngine.RequiresApproval((await RememberAsync(question.CompanyId)).Rules, question.Action, question.Amount);
    }

    public async Task<EscalationTarget> GetEscalationTargetAsync(long companyId, long agentId)
    {
        var org = (await RememberAsync(companyId)).Org;
        Require(org, agentId);
        // The nearest manager still working; archived managers are skipped, the CEO seat ends the walk.
        var target = org.Ancestors(agentId).Select(org.Agent).FirstOrDefault(a => a is { Status: not AgentStatus.Archived });
        return new EscalationTarget(target?.Id);
    }

    public async Task CheckRoleChangeAsync(long companyId, long agentId, string role, string department)
    {
        await context.EnsureCompanyAsync(companyId);
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var agent = Require(org, agentId);
        var rules = await PolicyRuleStore.LoadAsync(context, companyId);
        var decision = PolicyEngine.CheckChange(org, org.WithAgent(agent with { Role = role, Department = department }), rules);
        if (!decision.Allowed)
        {
            throw await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = companyId,
                Action = "agent.change_role",
                Rule = decision.Rule!,
                Reason = decision.Reason!,
                ToAgentId = agentId,
            });
        }
    }

    public async Task RemoveAgentAsync(long companyId, long agentId)
    {
        await BeginChangeAsync(companyId, expectedVersion: null);
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        var agent = Require(org, agentId);
        var reports = org.DirectReports(agent.Id).ToList();
        if (reports.Count > 0)
        {
            throw new ConflictException(
                $"{agent.Label} still manages {reports.Count} agent(s): move its team to another manager first.",
                "agent.has_reports");
        }

        var ended = await EndEdgeAsync(companyId, agent.Id);
        await CommitChangeAsync(companyId, EventTypes.OrgAgentRemoved, agent.Id, ended, started: null);
    }

    /// <summary>An agent was hired or changed: applying the message is a write turn, after which the chart in memory is read anew.</summary>
    public async Task HandleAsync(AgentChanged message)
    {
        ArgumentNullException.ThrowIfNull(message);
        await context.EnsureCompanyAsync(message.CompanyId);
    }

    /// <summary>The chart and rules from memory, after checking the question is about this grain's company.</summary>
    private async Task<OrgMemory> RememberAsync(long companyId)
    {
        if (context.KeyAsId("Company") != companyId)
        {
            throw new NotFoundException("Company", companyId);
        }

        return await Memory.GetAsync();
    }

    private async Task<OrgMemory> LoadMemoryAsync()
    {
        var companyId = await context.EnsureCompanyAsync(context.KeyAsId("Company"));
        var chart = await ChartAsync(companyId, asOf: null);
        return new OrgMemory(companyId, chart.Version, await OrgSnapshot.LoadAsync(context, companyId), await PolicyRuleStore.LoadAsync(context, companyId), chart.Edges);
    }

    /// <summary>Every org change starts here: the right company, and the chart at the version the caller saw.</summary>
    private async Task<long> BeginChangeAsync(long companyId, long? expectedVersion)
    {
        await context.EnsureCompanyAsync(companyId);
        Guard.Version("The org chart", expectedVersion, await VersionAsync(companyId));
        return companyId;
    }

    /// <summary>Cycles are conflicts (409); role rules are policy denials (403) recorded as events.</summary>
    private async Task CheckPlacementAsync(long companyId, OrgSnapshot org, OrgAgent? manager, OrgAgent subordinate, string action)
    {
        if (manager is not null)
        {
            if (org.IsInSubtree(manager.Id, subordinate.Id))
            {
                throw new ConflictException(CycleReason(manager, subordinate), "org.cycle");
            }

            if (manager.Status == AgentStatus.Archived)
            {
                throw new ConflictException($"{manager.Label} is archived and cannot manage anyone.", "agent.archived");
            }
        }

        var rules = await PolicyRuleStore.LoadAsync(context, companyId);
        var decision = PolicyEngine.CheckChange(org, org.WithManager(subordinate.Id, manager?.Id), rules);
        if (!decision.Allowed)
        {
            throw await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = companyId,
                Action = action,
                Rule = decision.Rule!,
                Reason = decision.Reason!,
                FromAgentId = manager?.Id,
                ToAgentId = subordinate.Id,
            });
        }
    }

    private static string CycleReason(OrgAgent manager, OrgAgent subordinate) => manager.Id == subordinate.Id
        ? $"{subordinate.Label} cannot manage itself."
        : $"{manager.Label} is in {subordinate.Label}'s own team: that reporting line would make a cycle.";

    private async Task<OrgChartDto> CommitChangeAsync(long companyId, string eventType, long agentId, OrgEdgeDto? ended, OrgEdgeDto? started)
    {
        var version = await context.Sql(OrgSql.BumpVersion).With("company_id", companyId).With("now", context.Now).ScalarAsync<long>();
        await context.PublishAsync(Streams.Company(companyId), eventType, new OrgChangedEvent(companyId, version, agentId, ended, started), companyId);
        return await ChartAsync(companyId, null);
    }

    private async Task<OrgChartDto> ChartAsync(long companyId, DateTimeOffset? asOf)
    {
        var edges = asOf is { } at
            ? await context.Sql(OrgSql.EdgesAsOf).With("company_id", companyId).With("as_of", at).ListAsync(MapEdge)
            : await context.Sql(OrgSql.CurrentEdges).With("company_id", companyId).ListAsync(MapEdge);
        return new OrgChartDto(companyId, await VersionAsync(companyId), asOf ?? context.Now, edges);
    }

    private async Task<long> VersionAsync(long companyId) =>
        await context.Sql(OrgSql.Version).With("company_id", companyId).ScalarAsync<long>();

    /// <summary>Starts a reporting line; the subordinate's grain keeps its manager in memory, so it is touched.</summary>
    private async Task<OrgEdgeDto> InsertEdgeAsync(long companyId, long? managerId, long subordinateId)
    {
        var edge = (await context.Sql(OrgSql.InsertEdge)
            .With("company_id", companyId)
            .With("manager_agent_id", managerId)
            .With("subordinate_agent_id", subordinateId)
            .With("now", context.Now)
            .With("created_by", context.Actor)
            .FirstOrDefaultAsync(MapEdge))!;
        context.TouchWarm<IAgentGrain>(subordinateId);
        return edge;
    }

    /// <summary>Ends a reporting line; the subordinate's grain keeps its manager in memory, so it is touched.</summary>
    private async Task<OrgEdgeDto?> EndEdgeAsync(long companyId, long subordinateId)
    {
        var ended = await context.Sql(OrgSql.EndEdge)
            .With("company_id", companyId)
            .With("subordinate_agent_id", subordinateId)
            .With("now", context.Now)
            .FirstOrDefaultAsync(MapEdge);
        if (ended is not null)
        {
            context.TouchWarm<IAgentGrain>(subordinateId);
        }

        return ended;
    }

    private async Task<PolicyRuleDto> LoadRuleAsync(long companyId, long ruleId) =>
        await context.Sql(OrgSql.RuleById).With("company_id", companyId).With("id", ruleId).FirstOrDefaultAsync(PolicyRuleStore.Map)
        ?? throw new NotFoundException("Rule", ruleId);

    private static OrgAgent Require(OrgSnapshot org, long agentId) => org.Agent(agentId) ?? throw new NotFoundException("Agent", agentId);

    private static string Describe(OrgSnapshot org, long? managerId) =>
        managerId is { } id && org.Agent(id) is { } manager ? manager.Label : "the CEO";

    private static OrgEdgeDto MapEdge(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.GetOrNull<long>("manager_agent_id"),
        r.Get<long>("subordinate_agent_id"),
        r.Get<DateTimeOffset>("effective_from"),
        r.GetOrNull<DateTimeOffset>("effective_to"));

    /// <summary>What a warm activation holds: the current chart, its version and the rules.</summary>
    private sealed record OrgMemory(long CompanyId, long Version, OrgSnapshot Org, IReadOnlyList<PolicyRuleDto> Rules, IReadOnlyList<OrgEdgeDto> Edges);
}
