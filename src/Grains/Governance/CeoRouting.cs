using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Meetings;
using FluidManager.Grains.Organization;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Governance;

/// <summary>
/// Where a task the CEO (a human) assigns goes. With the company's default policy
/// (<see cref="CeoAssignment.FollowHierarchy"/>) a task for an agent below the CEO's direct reports goes, as a
/// dispatched call to action does, to the top manager of the agent's branch, who delegates it down; every hop
/// of the chain must pass the hierarchy rules (<see cref="CtaRouting"/>). With <see cref="CeoAssignment.Direct"/>,
/// or for an agent outside the chart (it has no chain), the task goes straight to the agent.
/// </summary>
internal static class CeoRouting
{
    public sealed record Decision(long AssigneeId, TaskRoutedEvent? Routed, CtaRouting.Refusal? Refusal);

    public static async Task<Decision> DecideAsync(ITurnContext context, long companyId, long taskId, long agentId)
    {
        if (Actor.Parse(context.Actor).Kind != "human")
        {
            return new Decision(agentId, null, null);
        }

        var stored = await context.Sql(CompanyPolicySql.CeoAssignment).With("company_id", companyId).ScalarAsync<string>();
        if (stored is not null && DbEnum.Parse<CeoAssignment>(stored) == CeoAssignment.Direct)
        {
            return new Decision(agentId, null, null);
        }

        var org = await OrgSnapshot.LoadAsync(context, companyId);
        if (!org.IsPlaced(agentId))
        {
            return new Decision(agentId, null, null);
        }

        var rules = await PolicyRuleStore.LoadAsync(context, companyId);
        var (route, refusal) = CtaRouting.Decide(org, rules, agentId);
        if (refusal is not null)
        {
            return new Decision(agentId, null, refusal);
        }

        return route!.Path.Count == 1
            ? new Decision(agentId, null, null)
            : new Decision(route.AssigneeId, new TaskRoutedEvent(taskId, agentId, route.AssigneeId, route.Path, route.Description), null);
    }

    /// <summary>The refusal of a hop as the denial the audit records.</summary>
    public static PolicyDenial Denial(long companyId, long taskId, long agentId, CtaRouting.Refusal refusal) => new()
    {
        CompanyId = companyId,
        Action = "task.assign",
        Rule = refusal.Rule,
        Reason = refusal.Reason,
        ToAgentId = agentId,
        TaskId = taskId,
    };
}
