using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Transfer;

/// <summary>The company policy: allowed models, monthly budget in USD and tokens, new agents' default limits, web quota, CEO assignment.</summary>
public sealed class CompanyPolicySection : ICompanySection
{
    public string Name => "companyPolicy";

    public int Order => 20;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var policy = await scope.Turn.Join<ICompanyPolicyGrain>(scope.CompanyId).ReadAsync(g => g.GetAsync(scope.CompanyId));
        return TransferScope.ToNode(new Settings(policy.AllowedModels, policy.MonthlyBudgetUsd, policy.MonthlyTokenLimit,
            policy.DefaultAgentLimits, policy.WebDailyQuota, policy.CeoAssignment));
    }

    public Task<int> CountAsync(TransferScope scope) => Task.FromResult(0);

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        var settings = TransferScope.FromNode<Settings>(section, "sections.companyPolicy");
        await scope.Turn.Join<ICompanyPolicyGrain>(scope.CompanyId).CallAsync(g => g.SetAsync(new SetCompanyPolicyCommand
        {
            CompanyId = scope.CompanyId,
            AllowedModels = settings.AllowedModels ?? [],
            MonthlyBudgetUsd = settings.MonthlyBudgetUsd,
            MonthlyTokenLimit = settings.MonthlyTokenLimit,
            DefaultAgentLimits = settings.DefaultAgentLimits ?? new DefaultAgentLimits(),
            WebDailyQuota = settings.WebDailyQuota,
            CeoAssignment = settings.CeoAssignment,
        }));
    }

    public string KeyOf(JsonNode item) => Name;

    private sealed record Settings(
        IReadOnlyList<string>? AllowedModels,
        decimal? MonthlyBudgetUsd,
        long? MonthlyTokenLimit,
        DefaultAgentLimits? DefaultAgentLimits,
        int? WebDailyQuota,
        CeoAssignment CeoAssignment);
}

/// <summary>
/// The hierarchy rules (delegation scope, role separation, approvals), by name. An import adds each rule, or
/// replaces the settings of the company's rule of that name (a new company starts with the default rules).
/// </summary>
public sealed class PolicyRulesSection : ICompanySection
{
    public string Name => "policyRules";

    public int Order => 30;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var rules = await Grain(scope).ReadAsync(g => g.ListRulesAsync(scope.CompanyId));
        return new JsonArray([.. rules.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => TransferScope.ToNode(
            new Rule(r.Name, r.Kind, r.Description, r.Enabled, r.DelegationScope, r.RoleSeparation, r.Approval)))]);
    }

    public Task<int> CountAsync(TransferScope scope) => Task.FromResult(0);

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        var existing = (await Grain(scope).ReadAsync(g => g.ListRulesAsync(scope.CompanyId))).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var i = 0;
        foreach (var item in AgentsSection.Array(section))
        {
            var rule = TransferScope.FromNode<Rule>(item, $"sections.policyRules[{i++}]");
            if (existing.TryGetValue(rule.Name ?? "", out var current))
            {
                await Grain(scope).CallAsync(g => g.UpdateRuleAsync(new UpdatePolicyRuleCommand
                {
                    CompanyId = scope.CompanyId,
                    RuleId = current.Id,
                    Description = rule.Description ?? "",
                    Enabled = rule.Enabled,
                    DelegationScope = rule.DelegationScope,
                    RoleSeparation = rule.RoleSeparation,
                    Approval = rule.Approval,
                }));
            }
            else
            {
                await Grain(scope).CallAsync(g => g.AddRuleAsync(new AddPolicyRuleCommand
                {
                    CompanyId = scope.CompanyId,
                    Name = rule.Name!,
                    Kind = rule.Kind,
                    Description = rule.Description ?? "",
                    Enabled = rule.Enabled,
                    DelegationScope = rule.DelegationScope,
                    RoleSeparation = rule.RoleSeparation,
                    Approval = rule.Approval,
                }));
            }
        }
    }

    public string KeyOf(JsonNode item) => item["name"]?.ToString() ?? "";

    private static IJoinedGrain<IHierarchyPolicyGrain> Grain(TransferScope scope) => scope.Turn.Join<IHierarchyPolicyGrain>(scope.CompanyId);

    private sealed record Rule(
        string? Name,
        PolicyRuleKind Kind,
        string? Description,
        bool Enabled,
        DelegationScopeRule? DelegationScope,
        RoleSeparationRule? RoleSeparation,
        ApprovalRule? Approval);
}
