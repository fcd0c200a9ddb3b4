using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Organization;

/// <summary>An agent as the hierarchy policy sees it.</summary>
internal sealed record OrgAgent(long Id, string FirstName, string LastName, string Role, string Department, AgentStatus Status)
{
    public string Label => $"{FirstName} {LastName} ({Role})";
}

/// <summary>
/// The company's current org chart in memory: who reports to whom. Immutable; the With* methods
/// return the chart as it would be after a change, so a change is judged before it is written.
/// </summary>
internal sealed class OrgSnapshot
{
    private readonly IReadOnlyDictionary<long, OrgAgent> _agents;

    // Placed agents only; a null value is the CEO seat.
    private readonly IReadOnlyDictionary<long, long?> _managerOf;

    public OrgSnapshot(IEnumerable<OrgAgent> agents, IReadOnlyDictionary<long, long?> managerOf)
    {
        _agents = agents.ToDictionary(a => a.Id);
        _managerOf = managerOf;
    }

    public IEnumerable<OrgAgent> Agents => _agents.Values;

    public static async Task<OrgSnapshot> LoadAsync(ITurnContext context, long companyId)
    {
        var rows = await context.Sql(OrgSql.Snapshot).With("company_id", companyId).ListAsync(r => (
            Agent: new OrgAgent(
                r.Get<long>("id"), r.Get<string>("first_name"), r.Get<string>("last_name"), r.Get<string>("role"),
                r.Get<string>("department"), r.GetEnum<AgentStatus>("status")),
            Manager: r.GetOrNull<long>("manager_agent_id"),
            Placed: r.Get<bool>("placed")));
        return new OrgSnapshot(rows.Select(r => r.Agent), rows.Where(r => r.Placed).ToDictionary(r => r.Agent.Id, r => r.Manager));
    }

    public OrgAgent? Agent(long id) => _agents.GetValueOrDefault(id);

    /// <summary>True when the agent has a current manager (an agent or the CEO seat).</summary>
    public bool IsPlaced(long id) => _managerOf.ContainsKey(id);

    /// <summary>The current manager; null for the CEO seat or an unplaced agent (see <see cref="IsPlaced"/>).</summary>
    public long? ManagerOf(long id) => _managerOf.GetValueOrDefault(id);

    public IEnumerable<long> DirectReports(long? managerId) => _managerOf.Where(e => e.Value == managerId).Select(e => e.Key);

    /// <summary>The agents above <paramref name="id"/>, nearest first (the CEO seat is not an agent).</summary>
    public IEnumerable<long> Ancestors(long id)
    {
        var seen = new HashSet<long> { id };
        var current = ManagerOf(id);
        while (current is { } manager && seen.Add(manager))
        {
            yield return manager;
            current = ManagerOf(manager);
        }
    }

    /// <summary>True when <paramref name="candidate"/> is <paramref name="root"/> or anywhere under it.</summary>
    public bool IsInSubtree(long candidate, long root) => candidate == root || Ancestors(candidate).Contains(root);

    public OrgSnapshot WithManager(long subordinate, long? manager) =>
        new(_agents.Values, new Dictionary<long, long?>(_managerOf) { [subordinate] = manager });

    public OrgSnapshot WithAgent(OrgAgent agent) =>
        new(_agents.Values.Where(a => a.Id != agent.Id).Append(agent), _managerOf);
}
