namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// How an agent is doing over a window of days: tasks done and failed, success rate, cost per finished task and its
/// trend (the second half of the window against the first), its worklog across tasks, and what its memory holds.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.AgentProgressDto")]
public sealed record AgentProgressDto
{
    [Id(0)] public required long AgentId { get; init; }
    [Id(1)] public required int Days { get; init; }
    [Id(2)] public required int TasksDone { get; init; }
    [Id(3)] public required int TasksFailed { get; init; }
    [Id(4)] public required int TasksOpen { get; init; }

    /// <summary>Done over done and failed; null before any task finished.</summary>
    [Id(5)] public double? SuccessRate { get; init; }
    [Id(6)] public required decimal Cost { get; init; }
    [Id(7)] public decimal? CostPerTask { get; init; }

    /// <summary>Cost per finished task in the second half of the window over the first, minus one (-0.2: 20% cheaper); null without tasks in both halves.</summary>
    [Id(8)] public double? CostPerTaskTrend { get; init; }
    [Id(9)] public required IReadOnlyList<AgentProgressDay> Daily { get; init; }
    [Id(10)] public required IReadOnlyList<AgentWorklogEntry> Worklog { get; init; }
    [Id(11)] public required IReadOnlyDictionary<string, int> Memory { get; init; }
    [Id(12)] public required int PendingPlaybookChanges { get; init; }
}

/// <summary>One day of an agent's progress: tasks finished done and failed, and what they cost.</summary>
[GenerateSerializer]
[Alias("fm.memory.AgentProgressDay")]
public sealed record AgentProgressDay([property: Id(0)] DateOnly Day, [property: Id(1)] int Done, [property: Id(2)] int Failed, [property: Id(3)] decimal Cost);

/// <summary>A worklog entry of the agent, with the task it belongs to.</summary>
[GenerateSerializer]
[Alias("fm.memory.AgentWorklogEntry")]
public sealed record AgentWorklogEntry([property: Id(0)] long Id, [property: Id(1)] long? TaskId, [property: Id(2)] string? TaskTitle, [property: Id(3)] string Body, [property: Id(4)] DateTimeOffset At);
