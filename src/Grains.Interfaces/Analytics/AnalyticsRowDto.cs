namespace FluidManager.Grains.Interfaces.Analytics;

/// <summary>
/// One group's figures. Tasks count on the day they ended; approvals on the day they were decided; model calls
/// on the day they were made. Durations are milliseconds; a percentile is null when the group has no sample.
/// </summary>
[GenerateSerializer]
[Alias("fm.analytics.AnalyticsRowDto")]
public sealed record AnalyticsRowDto
{
    [Id(0)]
    public required string Key { get; init; }

    [Id(1)]
    public required string Label { get; init; }

    /// <summary>Tasks that ended, done or failed.</summary>
    [Id(2)]
    public long TasksFinished { get; init; }

    [Id(3)]
    public long TasksDone { get; init; }

    [Id(4)]
    public long TasksFailed { get; init; }

    /// <summary>Failed over finished (0 to 1); null when none ended.</summary>
    [Id(5)]
    public double? FailureRate { get; init; }

    /// <summary>Median time from creation to done.</summary>
    [Id(6)]
    public double? TimeToDoneP50Ms { get; init; }

    [Id(7)]
    public double? TimeToDoneP95Ms { get; init; }

    /// <summary>Attempts beyond the first, over the tasks that ended.</summary>
    [Id(8)]
    public long Retries { get; init; }

    [Id(9)]
    public long ApprovalsDecided { get; init; }

    [Id(10)]
    public double? ApprovalWaitAvgMs { get; init; }

    [Id(11)]
    public double? ApprovalWaitP95Ms { get; init; }

    [Id(12)]
    public long ModelCalls { get; init; }

    [Id(13)]
    public double? ModelLatencyP50Ms { get; init; }

    [Id(14)]
    public double? ModelLatencyP95Ms { get; init; }
}
