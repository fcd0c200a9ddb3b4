using FluidManager.Grains.Interfaces.Memory;

namespace FluidManager.Grains.Memory;

/// <summary>The figures of an agent's progress page, from its days. Pure.</summary>
internal static class Progress
{
    public static AgentProgressDto Summarise(long agentId, int days, IReadOnlyList<AgentProgressDay> daily, int open, IReadOnlyList<AgentWorklogEntry> worklog,
        IReadOnlyDictionary<string, int> memory, int pendingChanges)
    {
        var done = daily.Sum(d => d.Done);
        var failed = daily.Sum(d => d.Failed);
        var cost = daily.Sum(d => d.Cost);
        var half = daily.Count / 2;
        return new AgentProgressDto
        {
            AgentId = agentId,
            Days = days,
            TasksDone = done,
            TasksFailed = failed,
            TasksOpen = open,
            SuccessRate = done + failed == 0 ? null : (double)done / (done + failed),
            Cost = cost,
            CostPerTask = done + failed == 0 ? null : cost / (done + failed),
            CostPerTaskTrend = Trend(daily.Take(half).ToList(), daily.Skip(half).ToList()),
            Daily = daily,
            Worklog = worklog,
            Memory = memory,
            PendingPlaybookChanges = pendingChanges,
        };
    }

    /// <summary>Cost per finished task of the later days over the earlier days, minus one; null unless both have tasks and the earlier ones cost something.</summary>
    public static double? Trend(IReadOnlyList<AgentProgressDay> earlier, IReadOnlyList<AgentProgressDay> later)
    {
        var earlierTasks = earlier.Sum(d => d.Done + d.Failed);
        var laterTasks = later.Sum(d => d.Done + d.Failed);
        if (earlierTasks == 0 || laterTasks == 0)
        {
            return null;
        }

        var before = earlier.Sum(d => d.Cost) / earlierTasks;
        var after = later.Sum(d => d.Cost) / laterTasks;
        return before == 0 ? null : (double)(after / before) - 1;
    }
}
