using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>One workflow template (key = workflow id): each save is a new version; runs keep the version they started with.</summary>
[Alias("fm.IWorkflowGrain")]
public interface IWorkflowGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<WorkflowDto> GetAsync(long companyId);

    /// <summary>Saves a new version of the definition (and the name).</summary>
    Task<WorkflowDto> UpdateAsync(SaveWorkflowCommand command);

    Task DeleteAsync(long companyId, long? expectedVersion = null);

    /// <summary>Binds inputs (defaults filled in; a validation error names each wrong one) and shows each step as it would read.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<WorkflowPreviewDto> PreviewAsync(long companyId, System.Text.Json.JsonElement? inputs);

    /// <summary>Every saved version, newest first.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<WorkflowVersionDto>> ListVersionsAsync(long companyId);

    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<WorkflowVersionDto> GetVersionAsync(long companyId, long version);

    /// <summary>Starts a run of the current version: the inputs are bound (400 names each wrong one), then the first steps start.</summary>
    Task<WorkflowRunDto> StartRunAsync(long companyId, System.Text.Json.JsonElement? inputs);

    /// <summary>Starts a run as <see cref="StartRunAsync"/> does, recorded as started by <paramref name="startedBy"/> (a schedule's firing: <c>schedule:{id}</c>).</summary>
    Task<WorkflowRunDto> StartRunAsAsync(long companyId, System.Text.Json.JsonElement? inputs, string startedBy);

    /// <summary>Starts a run for a trigger's delivery, recording the firing in the same transaction; a delivery seen before returns its run.</summary>
    Task<TriggeredRunDto> StartTriggeredRunAsync(TriggeredRunCommand command);

    /// <summary>The template's runs, newest first.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<WorkflowRunDto>> ListRunsAsync(long companyId);
}
