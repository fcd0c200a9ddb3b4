using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Organization;

namespace FluidManager.Grains.Meetings;

/// <summary>
/// Where a call to action goes. The meeting's owner is the CEO, so a call for a direct report of the CEO
/// seat goes to that agent; a call for anyone deeper goes to the top manager of its branch, who delegates
/// it down the chain to the owner. Every hop of that chain must pass the hierarchy policy
/// (<see cref="PolicyEngine.CanAssign"/>); a refused hop refuses the route, with the rule and its reason,
/// and nothing is assigned around it. Pure: tests call it with a chart and rules.
/// </summary>
internal static class CtaRouting
{
    public sealed record Route(long AssigneeId, IReadOnlyList<long> Path, string Description);

    public sealed record Refusal(string Rule, string Reason);

    public static (Route? Route, Refusal? Refusal) Decide(OrgSnapshot org, IReadOnlyList<PolicyRuleDto> rules, long ownerAgentId)
    {
        var owner = org.Agent(ownerAgentId);
        if (owner is null)
        {
            return (null, new Refusal("agent:missing", $"Agent {ownerAgentId} is not in the company any more: reassign the call to action."));
        }

        if (owner.Status == AgentStatus.Archived)
        {
            return (null, new Refusal("agent:archived", $"{owner.Label} is archived and cannot take work: reassign the call to action."));
        }

        if (!org.IsPlaced(owner.Id))
        {
            return (null, new Refusal("org:unplaced", $"{owner.Label} has no place in the org chart, so no manager can hand it work: place it, or reassign the call to action."));
        }

        var path = org.Ancestors(owner.Id).Reverse().Append(owner.Id).ToList();
        for (var i = 0; i + 1 < path.Count; i++)
        {
            var from = org.Agent(path[i])!;
            var to = org.Agent(path[i + 1])!;
            var decision = PolicyEngine.CanAssign(org, rules, from, to);
            if (!decision.Allowed)
            {
                return (null, new Refusal(decision.Rule!, $"The route to {owner.Label} is refused at {from.Label} → {to.Label}: {decision.Reason}"));
            }
        }

        var labels = string.Join(" → ", path.Select(id => org.Agent(id)!.Label));
        var description = path.Count == 1
            ? $"Assigned to {owner.Label}, who reports to the CEO."
            : $"{owner.Label} does not report to the CEO: the task goes to {org.Agent(path[0])!.Label}, the top manager of that branch, to delegate down: {labels}.";
        return (new Route(path[0], path, description), null);
    }
}
