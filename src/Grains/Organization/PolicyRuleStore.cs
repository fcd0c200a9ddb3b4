using System.Text.Json;
using System.Text.RegularExpressions;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Organization;

/// <summary>Rules as rows: typed settings in, jsonb out, and back.</summary>
internal static partial class PolicyRuleStore
{
    public static Task<List<PolicyRuleDto>> LoadAsync(ITurnContext context, long companyId) =>
        context.Sql(OrgSql.Rules).With("company_id", companyId).ListAsync(Map);

    public static PolicyRuleDto Map(NpgsqlDataReader r)
    {
        var kind = r.GetEnum<PolicyRuleKind>("kind");
        var data = r.Get<string>("data");
        return new PolicyRuleDto
        {
            Id = r.Get<long>("id"),
            CompanyId = r.Get<long>("company_id"),
            Name = r.Get<string>("name"),
            Kind = kind,
            Description = r.Get<string>("description"),
            Enabled = r.Get<bool>("enabled"),
            DelegationScope = kind == PolicyRuleKind.DelegationScope ? JsonSerializer.Deserialize<DelegationScopeRule>(data, RuntimeJson.Options) : null,
            RoleSeparation = kind == PolicyRuleKind.RoleSeparation ? JsonSerializer.Deserialize<RoleSeparationRule>(data, RuntimeJson.Options) : null,
            Approval = kind == PolicyRuleKind.ApprovalRequired ? JsonSerializer.Deserialize<ApprovalRule>(data, RuntimeJson.Options) : null,
            Version = r.Get<long>("version"),
            UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
        };
    }

    /// <summary>Checks the settings match the kind and make sense; returns the object stored as "data".</summary>
    public static object Settings(PolicyRuleKind kind, string description, DelegationScopeRule? delegation, RoleSeparationRule? separation, ApprovalRule? approval)
    {
        var fields = new Fields().Text("description", description, 1000, required: false);
        fields.Check(kind == PolicyRuleKind.DelegationScope || delegation is null, "delegationScope", "is only for a delegation_scope rule")
            .Check(kind == PolicyRuleKind.RoleSeparation || separation is null, "roleSeparation", "is only for a role_separation rule")
            .Check(kind == PolicyRuleKind.ApprovalRequired || approval is null, "approval", "is only for an approval_required rule");
        object? settings = null;
        switch (kind)
        {
            case PolicyRuleKind.DelegationScope:
                fields.Check(delegation is not null, "delegationScope", "is required for a delegation_scope rule");
                settings = delegation;
                break;
            case PolicyRuleKind.RoleSeparation:
                if (separation is null)
                {
                    fields.Add("roleSeparation", "is required for a role_separation rule");
                    break;
                }

                Selector(fields, "roleSeparation.upper", separation.Upper);
                Selector(fields, "roleSeparation.lower", separation.Lower);
                fields.Text("roleSeparation.reason", separation.Reason, 500);
                settings = separation with
                {
                    Upper = Normalise(separation.Upper ?? new AgentSelector()),
                    Lower = Normalise(separation.Lower ?? new AgentSelector()),
                    Reason = separation.Reason?.Trim() ?? "",
                };
                break;
            case PolicyRuleKind.ApprovalRequired:
                fields.Check(approval is not null, "approval", "is required for an approval_required rule");
                fields.Check(approval?.Threshold is null or >= 0, "approval.threshold", "must not be negative");
                settings = approval;
                break;
            default:
                fields.Add("kind", "is not a known rule kind");
                break;
        }

        fields.ThrowIfAny();
        return settings!;
    }

    public static void ValidateName(string name) =>
        new Fields().Check(name is not null && NamePattern().IsMatch(name), "name", "must be 1-80 lower-case letters, digits or '-', starting with a letter or digit").ThrowIfAny();

    private static void Selector(Fields fields, string field, AgentSelector? selector)
    {
        if (selector is null || ((selector.Departments?.Count ?? 0) == 0 && (selector.Roles?.Count ?? 0) == 0))
        {
            fields.Add(field, "must name at least one department or role");
            return;
        }

        fields.Check((selector.Departments ?? []).Concat(selector.Roles ?? []).All(s => !string.IsNullOrWhiteSpace(s) && s.Length <= 100), field, "names must be 1-100 characters");
    }

    private static AgentSelector Normalise(AgentSelector selector) => new()
    {
        Departments = (selector.Departments ?? []).Where(d => d is not null).Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList(),
        Roles = (selector.Roles ?? []).Where(r => r is not null).Select(r => r.Trim().ToLowerInvariant()).Distinct().ToList(),
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,79}$")]
    private static partial Regex NamePattern();
}
