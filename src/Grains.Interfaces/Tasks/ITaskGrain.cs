using System.ComponentModel;
using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>
/// One task (key = task id). Tasks are created through <c>ICompanyGrain.CreateTaskAsync</c> or
/// <c>IAgentGrain.DelegateAsync</c>. Every status command goes through the one state machine;
/// an illegal one raises <c>ConflictException</c> (409), a stale ExpectedVersion raises
/// <c>VersionMismatchException</c> (412).
/// </summary>
[Alias("fm.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<TaskDto> GetAsync(long companyId);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<TaskDto>> ListSubtasksAsync(long companyId);

    /// <summary>Assigns or reassigns; policy-checked when the caller is an agent.</summary>
    Task<TaskDto> AssignAsync(AssignTaskCommand command);

    /// <summary>The assignee starts an attempt (queued → running).</summary>
    Task<TaskDto> StartAsync(TaskTransitionCommand command);

    Task<TaskDto> PauseAsync(TaskTransitionCommand command);

    Task<TaskDto> ResumeAsync(TaskTransitionCommand command);

    Task<TaskDto> BlockAsync(TaskTransitionCommand command);

    Task<TaskDto> UnblockAsync(TaskTransitionCommand command);

    Task<TaskDto> RequestApprovalAsync(RequestApprovalCommand command);

    Task<TaskDto> ApproveAsync(TaskTransitionCommand command);

    Task<TaskDto> RejectAsync(TaskTransitionCommand command);

    Task<TaskDto> CompleteAsync(CompleteTaskCommand command);

    /// <summary>Fails the task; <see cref="TaskTransitionCommand.Reason"/> is the error.</summary>
    Task<TaskDto> FailAsync(TaskTransitionCommand command);

    Task<TaskDto> CancelAsync(CancelTaskCommand command);

    /// <summary>A failed task goes back to the queue while attempts remain.</summary>
    Task<TaskDto> RetryAsync(TaskTransitionCommand command);

    Task<TaskDto> ChangePriorityAsync(ChangePriorityCommand command);

    Task<TaskDto> SetDeadlineAsync(SetDeadlineCommand command);

    /// <summary>Changes the title and description while the task is open (not done or cancelled).</summary>
    Task<TaskDto> EditAsync(EditTaskCommand command);

    /// <summary>Deletes a done or cancelled task: it leaves the lists, a tombstone event stays, its costs stay counted.</summary>
    Task DeleteAsync(DeleteTaskCommand command);

    Task<TaskDto> RecordUsageAsync(RecordUsageCommand command);

    Task<CommentDto> CommentAsync(AddCommentCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<CommentDto>> ListCommentsAsync(long companyId);

    Task<WorklogEntryDto> AddWorklogAsync(AddWorklogCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<WorklogEntryDto>> ListWorklogAsync(ListWorklogQuery query);

    Task<ArtifactDto> AttachArtifactAsync(AttachArtifactCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ArtifactDto>> ListArtifactsAsync(long companyId);

    /// <summary>Deletes one version of the task's artifact; the other versions stay.</summary>
    Task<ArtifactDto> DeleteArtifactAsync(long companyId, long artifactId);
}
