using FluidManager.Grains.Organization;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Who may read and change an agent's memory, on the current org chart: the agent itself and every manager
/// above it read it; its direct manager (and the CEO, checked by the caller's role) edits, pins and forgets.
/// </summary>
internal static class MemoryAccess
{
    public const string ReadRule = "memory:agent_and_managers_only";
    public const string EditRule = "memory:manager_or_ceo_only";

    public static bool CanRead(OrgSnapshot org, long readerAgentId, long ownerAgentId) =>
        readerAgentId == ownerAgentId || org.Ancestors(ownerAgentId).Contains(readerAgentId);

    /// <summary>The agent writes its own memory; its direct manager edits, pins and forgets items of it.</summary>
    public static bool CanWrite(OrgSnapshot org, long actingAgentId, long ownerAgentId) =>
        actingAgentId == ownerAgentId || org.ManagerOf(ownerAgentId) == actingAgentId;

    public static bool CanEdit(OrgSnapshot org, long actingAgentId, long ownerAgentId) => org.ManagerOf(ownerAgentId) == actingAgentId;

    /// <summary>The memories an agent's briefing draws from: its own, then those of everyone below it in the chart (it may read them).</summary>
    public static IReadOnlyList<long> Readable(OrgSnapshot org, long agentId)
    {
        var result = new List<long> { agentId };
        var seen = new HashSet<long> { agentId };
        for (var i = 0; i < result.Count; i++)
        {
            foreach (var report in org.DirectReports(result[i]).Order())
            {
                if (seen.Add(report))
                {
                    result.Add(report);
                }
            }
        }

        return result;
    }
}
