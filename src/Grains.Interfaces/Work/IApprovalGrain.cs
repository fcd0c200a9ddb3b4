using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// One approval request (key = approval id), opened by an agent's loop: an action waiting for the
/// CEO (the task is awaiting approval) or a budget raise (the task is blocked). Deciding it moves the
/// task on; an unanswered request expires.
/// </summary>
[Alias("fm.IApprovalGrain")]
public interface IApprovalGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ApprovalDto> GetAsync(long companyId);

    /// <summary>Approves: the task continues (a budget raise is applied first). 409 when already decided.</summary>
    Task<ApprovalDto> ApproveAsync(DecideApprovalCommand command);

    /// <summary>Rejects: an action's task fails with the comment as reason; a budget raise's task stays blocked. 409 when already decided.</summary>
    Task<ApprovalDto> RejectAsync(DecideApprovalCommand command);

    /// <summary>Grain-to-grain: arms the expiry of a request just recorded by the agent loop. Not for the Api.</summary>
    Task OpenAsync(long companyId);

    /// <summary>Grain-to-grain: the task was approved or rejected directly (not through this request). Not for the Api.</summary>
    Task SettleAsync(SettleApprovalCommand command);
}
