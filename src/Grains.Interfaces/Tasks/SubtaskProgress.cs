namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>How a parent task's subtasks stand (fan-out/fan-in).</summary>
[GenerateSerializer]
[Alias("fm.tasks.SubtaskProgress")]
public sealed record SubtaskProgress(
    [property: Id(0)] int Total,
    [property: Id(1)] int Queued,
    [property: Id(2)] int Running,
    [property: Id(3)] int Paused,
    [property: Id(4)] int Blocked,
    [property: Id(5)] int AwaitingApproval,
    [property: Id(6)] int Failed,
    [property: Id(7)] int Done,
    [property: Id(8)] int Cancelled)
{
    public static SubtaskProgress None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Subtasks not done, failed or cancelled.</summary>
    public int Open => Queued + Running + Paused + Blocked + AwaitingApproval;

    /// <summary>True when there are subtasks and every one of them is done or cancelled.</summary>
    public bool AllFinished => Total > 0 && Open == 0 && Failed == 0;
}
