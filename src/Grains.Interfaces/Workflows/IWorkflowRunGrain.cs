using System.ComponentModel;
using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>
/// One run of a workflow template (key = run id): each step is a task of its agent; the run learns each task's end
/// through a durable message, and starts what the finished steps unblock.
/// </summary>
[Alias("fm.IWorkflowRunGrain")]
public interface IWorkflowRunGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<WorkflowRunDto> GetAsync(long companyId);

    /// <summary>Starts the steps whose requirements are met; called in the turn that created the run.</summary>
    Task<WorkflowRunDto> BeginAsync(long companyId);

    /// <summary>Starts no new step and pauses the running steps' tasks.</summary>
    Task<WorkflowRunDto> PauseAsync(long companyId);

    /// <summary>Resumes the paused tasks and starts what is ready.</summary>
    Task<WorkflowRunDto> ResumeAsync(long companyId);

    /// <summary>Cancels the run and its open steps (with their tasks).</summary>
    Task<WorkflowRunDto> CancelAsync(long companyId, string? reason = null);

    /// <summary>Runs a failed or cancelled step again (a new task); a failed run is reopened.</summary>
    Task<WorkflowRunDto> RetryStepAsync(long companyId, string stepKey);

    /// <summary>Settles an open, failed or cancelled step as skipped with <paramref name="result"/> (checked against its output schema).</summary>
    Task<WorkflowRunDto> SkipStepAsync(long companyId, string stepKey, JsonElement? result);
}
