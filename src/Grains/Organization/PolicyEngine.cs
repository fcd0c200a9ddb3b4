using FluidManager.Grains.Interfaces.Organization;

namespace FluidManager.Grains.Organization;

/// <summary>
/// The hierarchy rules applied to an org chart. Pure: the grain loads the chart and the rules,
/// this decides, tests can call it without a database.
/// </summary>
internal static class PolicyEngine
{
    /// <summary>The rule name as denials report it, such as "role:sales-never-above-engineering".</summary>
    public static string RuleId(PolicyRuleDto rule) => rule.Kind switch
    {
        PolicyRuleKind.RoleSeparation => "role:" + rule.Name,
        PolicyRuleKind.DelegationScope => "delegation:" + rule.Name,
        _ => "approval:" + rule.Name,
    };

    /// <summary>Role rules first (the most specific reason), then the delegation scope.</summary>
    public static PolicyDecision CanAssign(OrgSnapshot org, IReadOnlyList<PolicyRuleDto> rules, OrgAgent from, OrgAgent to)
    {
        foreach (var rule in rules.Where(r => r.Enabled && r.RoleSeparation is not null))
        {
            var separation = rule.RoleSeparation!;
            if (Matches(separation.Upper, from) && Matches(separation.Lower, to))
            {
                return PolicyDecision.Deny(RuleId(rule), $"{from.Label} may not assign work to {to.Label}: {separation.Reason}");
            }
        }

        foreach (var rule in rules.Where(r => r.Enabled && r.DelegationScope is not null))
        {
            var scope = rule.DelegationScope!.Scope;
            var allowed = scope == DelegationScope.Subtree
                ? org.Ancestors(to.Id).Contains(from.Id)
                : org.IsPlaced(to.Id) && org.ManagerOf(to.Id) == from.Id;
            if (!allowed)
            {
                return PolicyDecision.Deny(RuleId(rule), scope == DelegationScope.Subtree
                    ? $"{to.Label} is not in {from.Label}'s team: an agent assigns work only within its team and escalates anything else to its manager."
                    : $"{to.Label} is not a direct subordinate of {from.Label}: an agent assigns work only to its direct subordinates and escalates anything else to its manager.");
            }
        }

        return PolicyDecision.Allow;
    }

    /// <summary>
    /// Judges a change of the chart (a new edge, a move, a new role): refused when it creates a role
    /// violation that the chart did not already have.
    /// </summary>
    public static PolicyDecision CheckChange(OrgSnapshot before, OrgSnapshot after, IReadOnlyList<PolicyRuleDto> rules)
    {
        var existing = RoleViolations(before, rules).Select(v => (v.Upper.Id, v.Lower.Id, v.Rule.Id)).ToHashSet();
        foreach (var violation in RoleViolations(after, rules))
        {
            if (!existing.Contains((violation.Upper.Id, violation.Lower.Id, violation.Rule.Id)))
            {
                return PolicyDecision.Deny(
                    RuleId(violation.Rule),
                    $"{violation.Upper.Label} would be above {violation.Lower.Label}: {violation.Rule.RoleSeparation!.Reason}");
            }
        }

        return PolicyDecision.Allow;
    }

    public static ApprovalDecision RequiresApproval(IReadOnlyList<PolicyRuleDto> rules, ApprovalAction action, decimal? amount)
    {
        foreach (var rule in rules.Where(r => r.Enabled && r.Approval?.Action == action))
        {
            if (rule.Approval!.Threshold is > 0 and var threshold && amount is { } spent && spent <= threshold)
            {
                continue;
            }

            var reason = string.IsNullOrWhiteSpace(rule.Description) ? $"{action} needs the CEO's approval." : rule.Description;
            return new ApprovalDecision(true, RuleId(rule), reason);
        }

        return new ApprovalDecision(false);
    }

    /// <summary>Every (agent above, agent below, rule) that breaks a role rule in the chart.</summary>
    public static IEnumerable<(OrgAgent Upper, OrgAgent Lower, PolicyRuleDto Rule)> RoleViolations(OrgSnapshot org, IReadOnlyList<PolicyRuleDto> rules)
    {
        var separations = rules.Where(r => r.Enabled && r.RoleSeparation is not null).ToList();
        if (separations.Count == 0)
        {
            yield break;
        }

        foreach (var lower in org.Agents.OrderBy(a => a.Id))
        {
            foreach (var upperId in org.Ancestors(lower.Id))
            {
                var upper = org.Agent(upperId);
                if (upper is null)
                {
                    continue;
                }

                foreach (var rule in separations)
                {
                    if (Matches(rule.RoleSeparation!.Upper, upper) && Matches(rule.RoleSeparation.Lower, lower))
                    {
                        yield return (upper, lower, rule);
                    }
                }
            }
        }
    }

    public static bool Matches(AgentSelector selector, OrgAgent agent) =>
        selector.Departments.Any(d => Same(d, agent.Department)) || selector.Roles.Any(r => Same(r, agent.Role));

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
