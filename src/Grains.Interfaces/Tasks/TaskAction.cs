namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Every command that the task state machine rules on.</summary>
[GenerateSerializer]
[Alias("fm.tasks.TaskAction")]
public enum TaskAction
{
    Start,
    Pause,
    Resume,
    Block,
    Unblock,
    RequestApproval,
    Approve,
    Reject,
    Complete,
    Fail,
    Cancel,
    Retry,
    Assign,

    /// <summary>Changing priority or deadline.</summary>
    Edit,
    Comment,
}
