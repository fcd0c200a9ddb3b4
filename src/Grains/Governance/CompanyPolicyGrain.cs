using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Work;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Governance;

/// <summary>
/// The company's governance settings (key = company id): allowed models within the server's list, the monthly
/// budget in USD (kept with the spend checks in company_budgets) and in tokens, new agents' default limits, the
/// web tool's daily quota and how the CEO's assignments travel down the chart.
/// </summary>
[GrainType("company-policy")]
public sealed class CompanyPolicyGrain(ITurnContext context, IOptions<ModelsOptions> models) : DurableGrain, ICompanyPolicyGrain
{
    /// <summary>Largest monthly token budget or default token limit accepted.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    protected override ITurnContext Turn => context;

    private IReadOnlyList<string> ServerAllowed => models.Value.EffectiveAllowed;

    public async Task<CompanyPolicyDto> GetAsync(long companyId)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        var policy = await CompanyPolicyStore.LoadAsync(context, companyId, ServerAllowed);
        return policy with { FlaggedAgents = await FlaggedAsync(companyId, policy.AllowedModels) };
    }

    public async Task<CompanyPolicyDto> SetAsync(SetCompanyPolicyCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var allowed = (command.AllowedModels ?? []).Select(m => m?.Trim() ?? "").ToList();
        var defaults = command.DefaultAgentLimits ?? new DefaultAgentLimits();
        var fields = new Fields()
            .Check(allowed.Count <= 100, "allowedModels", "at most 100 entries")
            .Check(allowed.Distinct(StringComparer.OrdinalIgnoreCase).Count() == allowed.Count, "allowedModels", "has the same entry twice")
            .Check(command.MonthlyBudgetUsd is null or >= 0 and < 10_000_000_000m, "monthlyBudgetUsd", "must be between 0 and 10,000,000,000")
            .Check(command.MonthlyTokenLimit is null or >= 0 and <= MaxTokens, "monthlyTokenLimit", $"must be between 0 and {MaxTokens}")
            .Check(defaults.TokensPerDay is null or >= 0 and <= MaxTokens, "defaultAgentLimits.tokensPerDay", $"must be between 0 and {MaxTokens}")
            .Check(defaults.TokensPerMonth is null or >= 0 and <= MaxTokens, "defaultAgentLimits.tokensPerMonth", $"must be between 0 and {MaxTokens}")
            .Check(defaults.TokensPerDay is null || defaults.TokensPerMonth is null || defaults.TokensPerDay <= defaults.TokensPerMonth,
                "defaultAgentLimits.tokensPerDay", "must not be more than tokensPerMonth")
            .Check(defaults.MaxCost is null or >= 0 and < 10_000_000_000m, "defaultAgentLimits.maxCost", "must be between 0 and 10,000,000,000")
            .Check(command.WebDailyQuota is null or >= 0 and <= 1_000_000, "webDailyQuota", "must be between 0 and 1,000,000")
            .Check(Enum.IsDefined(command.CeoAssignment), "ceoAssignment", "is not a known assignment policy");
        foreach (var entry in allowed)
        {
            if (entry.Length > 200)
            {
                fields.Add("allowedModels", "each entry must be at most 200 characters");
            }
            else if (ModelBounds.EntryRefusal(entry, ServerAllowed) is { } refusal)
            {
                fields.Add("allowedModels", refusal);
            }
        }

        fields.ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        await context.Sql(CompanyPolicySql.Ensure).With("company_id", companyId).With("now", context.Now).ExecuteAsync();
        var version = await context.Sql(CompanyPolicySql.Lock).With("company_id", companyId).ScalarAsync<long>();
        Guard.Version("The company's policy", command.ExpectedVersion, version);
        await context.Sql(CompanyPolicySql.Update)
            .With("company_id", companyId)
            .With("allowed_models", allowed)
            .With("monthly_token_limit", command.MonthlyTokenLimit)
            .With("default_tokens_per_day", defaults.TokensPerDay)
            .With("default_tokens_per_month", defaults.TokensPerMonth)
            .With("default_max_cost", defaults.MaxCost)
            .With("web_daily_quota", command.WebDailyQuota)
            .With<CeoAssignment>("ceo_assignment", command.CeoAssignment)
            .With("now", context.Now)
            .With("actor", context.Actor)
            .ExecuteAsync();
        var budget = await context.Sql(WorkSql.CompanyLimit).With("company_id", companyId).ScalarAsync<decimal?>();
        if (budget != command.MonthlyBudgetUsd)
        {
            await context.Join<ICompanyWorkGrain>(companyId).CallAsync(g => g.SetBudgetAsync(new SetCompanyBudgetCommand(companyId, command.MonthlyBudgetUsd)));
        }

        var policy = await GetAsync(companyId);
        await context.PublishAsync(Streams.Company(companyId), GovernanceEventTypes.PolicyChanged, policy, companyId);
        return policy;
    }

    public async Task<CompanyPolicyDto> RaiseTokenLimitAsync(long companyId, long limit)
    {
        companyId = await context.EnsureCompanyAsync(companyId);
        var raised = await context.Sql(CompanyPolicySql.RaiseTokenLimit)
            .With("company_id", companyId).With("limit", limit).With("now", context.Now).With("actor", context.Actor)
            .ListAsync(r => r.GetInt64(0));
        var policy = await GetAsync(companyId);
        if (raised.Count > 0)
        {
            await context.PublishAsync(Streams.Company(companyId), GovernanceEventTypes.PolicyChanged, policy, companyId);
        }

        return policy;
    }

    private async Task<IReadOnlyList<FlaggedAgentDto>> FlaggedAsync(long companyId, IReadOnlyList<string> companyAllowed)
    {
        var agents = await context.Sql(CompanyPolicySql.AgentModels).With("company_id", companyId)
            .ListAsync(r => (Id: r.Get<long>("id"), Name: r.Get<string>("display_name"), Model: r.Get<string>("model")));
        return agents
            .Select(a => (Agent: a, Refusal: ModelBounds.Refusal(a.Model, ServerAllowed, companyAllowed)))
            .Where(a => a.Refusal is not null)
            .Select(a => new FlaggedAgentDto(a.Agent.Id, a.Agent.Name, a.Agent.Model, a.Refusal!))
            .ToList();
    }
}
