namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>How a parent task's subtasks stand (fan-out/fan-in).</summary>
public sealed record SubtaskProgress(
    int Total,
    int Queued,
    int Running,
    int Paused,
    int Blocked,
    int AwaitingApproval,
    int Failed,
    int Done,
    int Cancelled)
{
    public static SubtaskProgress None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Subtasks not done, failed or cancelled.</summary>
    public int Open => Queued + Running + Paused + Blocked + AwaitingApproval;

    /// <summary>True when there are subtasks and every one of them is done or cancelled.</summary>
    public bool AllFinished => Total > 0 && Open == 0 && Failed == 0;
}
