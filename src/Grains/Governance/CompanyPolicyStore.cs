using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Governance;

/// <summary>The company's governance settings as read inside a turn (hire, assignment) and by the policy grain.</summary>
internal static class CompanyPolicyStore
{
    /// <summary>The settings as stored; a company that never set them has the defaults (version 0).</summary>
    public static async Task<CompanyPolicyDto> LoadAsync(ITurnContext context, long companyId, IReadOnlyList<string> serverAllowed)
    {
        var stored = await context.Sql(CompanyPolicySql.ByCompany).With("company_id", companyId).FirstOrDefaultAsync(r => Map(r, companyId));
        var budget = await context.Sql(WorkSql.CompanyLimit).With("company_id", companyId).ScalarAsync<decimal?>();
        return (stored ?? new CompanyPolicyDto { CompanyId = companyId }) with { ServerAllowedModels = serverAllowed, MonthlyBudgetUsd = budget };
    }

    /// <summary>Why <paramref name="model"/> is refused for a new or changed agent of the company, or null.</summary>
    public static async Task<string?> ModelRefusalAsync(ITurnContext context, long companyId, string model, IReadOnlyList<string> serverAllowed)
    {
        var allowed = await context.Sql(CompanyPolicySql.AllowedModels)
            .With("company_id", companyId).ScalarAsync<string[]>() ?? [];
        return ModelBounds.Refusal(model, serverAllowed, allowed);
    }

    /// <summary>Refuses (400, naming <c>profile.model</c>) a model that the server's or the company's list does not allow.</summary>
    public static async Task CheckModelAsync(ITurnContext context, long companyId, string model, IReadOnlyList<string> serverAllowed)
    {
        if (await ModelRefusalAsync(context, companyId, model, serverAllowed) is { } refusal)
        {
            throw new ValidationException("profile.model", refusal);
        }
    }

    /// <summary>The profile's limits, each one it leaves unset taken from the company's defaults for new agents.</summary>
    public static async Task<AgentProfile> WithDefaultLimitsAsync(ITurnContext context, long companyId, AgentProfile profile)
    {
        var stored = await context.Sql(CompanyPolicySql.ByCompany).With("company_id", companyId).FirstOrDefaultAsync(r => Map(r, companyId));
        if (stored is null)
        {
            return profile;
        }

        var defaults = stored.DefaultAgentLimits;
        return profile with
        {
            Limits = profile.Limits with
            {
                TokensPerDay = profile.Limits.TokensPerDay ?? defaults.TokensPerDay,
                TokensPerMonth = profile.Limits.TokensPerMonth ?? defaults.TokensPerMonth,
                MaxCost = profile.Limits.MaxCost ?? defaults.MaxCost,
            },
        };
    }

    private static CompanyPolicyDto Map(NpgsqlDataReader r, long companyId) => new()
    {
        CompanyId = companyId,
        AllowedModels = r.Get<string[]>("allowed_models"),
        MonthlyTokenLimit = r.GetOrNull<long>("monthly_token_limit"),
        DefaultAgentLimits = new DefaultAgentLimits
        {
            TokensPerDay = r.GetOrNull<long>("default_tokens_per_day"),
            TokensPerMonth = r.GetOrNull<long>("default_tokens_per_month"),
            MaxCost = r.GetOrNull<decimal>("default_max_cost"),
        },
        WebDailyQuota = r.GetOrNull<int>("web_daily_quota"),
        CeoAssignment = r.GetEnum<CeoAssignment>("ceo_assignment"),
        Version = r.Get<long>("version"),
        UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
    };
}
