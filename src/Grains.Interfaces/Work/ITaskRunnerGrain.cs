using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// The agent loop of one task (key = task id). It starts when the task is queued with an assignee,
/// and follows the task's status changes (posted to it by the task grain): each model call and each
/// tool call is a recorded step, so the loop resumes after a crash at the next unrecorded one.
/// </summary>
[Alias("fm.ITaskRunnerGrain")]
public interface ITaskRunnerGrain : IGrainWithStringKey
{
    /// <summary>Where the loop stands; null when the task was never run by an agent.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<TaskRunDto?> GetRunAsync(long companyId);

    /// <summary>Every model call of the task, oldest first (all attempts).</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<LlmCallDto>> ListLlmCallsAsync(long companyId);

    /// <summary>Every tool call of the task, oldest first (all attempts), allowed or denied.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ToolCallDto>> ListToolCallsAsync(long companyId);
}
