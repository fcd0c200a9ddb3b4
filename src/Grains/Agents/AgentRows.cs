using System.Text.RegularExpressions;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Agents;

/// <summary>Agents as rows: validation and normalisation of profiles, parameters, mapping.</summary>
internal static partial class AgentRows
{
    public static async Task<AgentDto?> FindAsync(ITurnContext context, long companyId, long agentId) =>
        await context.Sql(AgentSql.ById).With("id", agentId).With("company_id", companyId).FirstOrDefaultAsync(Map);

    /// <summary>The agent, or <see cref="NotFoundException"/> when it does not exist in this company.</summary>
    public static async Task<AgentDto> LoadAsync(ITurnContext context, long companyId, long agentId) =>
        await FindAsync(context, companyId, agentId) ?? throw new NotFoundException("Agent", agentId);

    /// <summary>Checks a profile and returns it trimmed, de-duplicated and with tool names in lower case.</summary>
    public static AgentProfile Normalise(AgentProfile? profile)
    {
        if (profile is null)
        {
            throw new ValidationException("profile", "is required");
        }

        var limits = profile.Limits ?? new AgentLimits();
        var fields = new Fields()
            .Text("profile.firstName", profile.FirstName, 100)
            .Text("profile.lastName", profile.LastName, 100)
            .Text("profile.role", profile.Role, 100)
            .Text("profile.department", profile.Department, 100)
            .Text("profile.model", profile.Model, 200)
            .Text("profile.bio", profile.Bio, 4000, required: false)
            .Text("profile.systemPrompt", profile.SystemPrompt, 50_000, required: false)
            .Text("profile.styleGuidelines", profile.StyleGuidelines, 20_000, required: false)
            .Check(Enum.IsDefined(profile.Seniority), "profile.seniority", "is not a known seniority")
            .Check((profile.Affinities ?? []).Count <= 50, "profile.affinities", "at most 50")
            .Check((profile.Affinities ?? []).All(a => !string.IsNullOrWhiteSpace(a) && a.Length <= 100), "profile.affinities", "each must be 1-100 characters")
            .Check(limits.TokensPerDay is null or >= 0, "profile.limits.tokensPerDay", "must not be negative")
            .Check(limits.TokensPerMonth is null or >= 0, "profile.limits.tokensPerMonth", "must not be negative")
            .Check(limits.MaxCost is null or >= 0, "profile.limits.maxCost", "must not be negative")
            .Check(limits.MaxConcurrentTasks is >= 1 and <= 100, "profile.limits.maxConcurrentTasks", "must be between 1 and 100")
            .Check(limits.AttemptTimeoutSeconds is null or >= 1 and <= 604_800, "profile.limits.attemptTimeoutSeconds", "must be between 1 and 604800 (7 days)")
            .Check((limits.SqlSources ?? []).All(s => !string.IsNullOrWhiteSpace(s) && s.Length <= 200), "profile.limits.sqlSources", "each must be 1-200 characters");
        foreach (var tool in profile.AllowedTools ?? [])
        {
            fields.Check(AgentTools.All.Contains(tool.Trim().ToLowerInvariant()), "profile.allowedTools", $"'{tool}' is not a tool (known: {string.Join(", ", AgentTools.All)})");
        }

        foreach (var domain in limits.WebDomains ?? [])
        {
            fields.Check(DomainPattern().IsMatch(domain.Trim()), "profile.limits.webDomains", $"'{domain}' is not a domain such as example.com or *.example.com");
        }

        fields.ThrowIfAny();
        return profile with
        {
            FirstName = profile.FirstName.Trim(),
            LastName = profile.LastName.Trim(),
            Role = profile.Role.Trim(),
            Department = profile.Department.Trim(),
            Model = profile.Model.Trim(),
            Bio = profile.Bio ?? "",
            SystemPrompt = profile.SystemPrompt ?? "",
            StyleGuidelines = profile.StyleGuidelines ?? "",
            Affinities = Distinct(profile.Affinities, lower: false),
            AllowedTools = Distinct(profile.AllowedTools, lower: true),
            Limits = limits with
            {
                WebDomains = Distinct(limits.WebDomains, lower: true),
                SqlSources = Distinct(limits.SqlSources, lower: false),
            },
        };
    }

    public static NpgsqlCommand WithProfile(this NpgsqlCommand command, AgentProfile profile) => command
        .With("first_name", profile.FirstName)
        .With("last_name", profile.LastName)
        .With("role", profile.Role)
        .With("department", profile.Department)
        .With<AgentSeniority>("seniority", profile.Seniority)
        .With("bio", profile.Bio)
        .With("affinities", profile.Affinities)
        .With("system_prompt", profile.SystemPrompt)
        .With("style_guidelines", profile.StyleGuidelines)
        .With("model", profile.Model)
        .With("allowed_tools", profile.AllowedTools)
        .With("tokens_per_day", profile.Limits.TokensPerDay)
        .With("tokens_per_month", profile.Limits.TokensPerMonth)
        .With("max_cost", profile.Limits.MaxCost)
        .With("web_domains", profile.Limits.WebDomains)
        .With("sql_sources", profile.Limits.SqlSources)
        .With("max_concurrent_tasks", profile.Limits.MaxConcurrentTasks)
        .With("attempt_timeout_seconds", profile.Limits.AttemptTimeoutSeconds);

    public static AgentDto Map(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        new AgentProfile
        {
            FirstName = r.Get<string>("first_name"),
            LastName = r.Get<string>("last_name"),
            Role = r.Get<string>("role"),
            Department = r.Get<string>("department"),
            Seniority = r.GetEnum<AgentSeniority>("seniority"),
            Bio = r.Get<string>("bio"),
            Affinities = r.Get<string[]>("affinities"),
            SystemPrompt = r.Get<string>("system_prompt"),
            StyleGuidelines = r.Get<string>("style_guidelines"),
            Model = r.Get<string>("model"),
            AllowedTools = r.Get<string[]>("allowed_tools"),
            Limits = new AgentLimits
            {
                TokensPerDay = r.GetOrNull<long>("tokens_per_day"),
                TokensPerMonth = r.GetOrNull<long>("tokens_per_month"),
                MaxCost = r.GetOrNull<decimal>("max_cost"),
                WebDomains = r.Get<string[]>("web_domains"),
                SqlSources = r.Get<string[]>("sql_sources"),
                MaxConcurrentTasks = r.Get<int>("max_concurrent_tasks"),
                AttemptTimeoutSeconds = r.GetOrNull<int>("attempt_timeout_seconds"),
            },
        },
        r.GetEnum<AgentStatus>("status"),
        r.GetOrNull<long>("avatar_artifact_id"),
        r.GetOrNull<long>("manager_agent_id"),
        r.Get<bool>("reports_to_ceo"),
        r.Get<long>("version"),
        r.Get<DateTimeOffset>("created_at"),
        r.Get<DateTimeOffset>("updated_at"));

    public static EscalationDto MapEscalation(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.Get<long>("from_agent_id"),
        r.GetOrNull<long>("to_agent_id"),
        r.GetOrNull<long>("task_id"),
        r.Get<string>("subject"),
        r.Get<string>("body"),
        r.Get<string>("status") == "open",
        r.Get<DateTimeOffset>("created_at"),
        r.GetOrNull<DateTimeOffset>("resolved_at"),
        r.GetStringOrNull("resolved_by"),
        r.GetStringOrNull("resolution"));

    private static string[] Distinct(IReadOnlyList<string>? values, bool lower) =>
        (values ?? []).Select(v => lower ? v.Trim().ToLowerInvariant() : v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex DomainPattern();
}
