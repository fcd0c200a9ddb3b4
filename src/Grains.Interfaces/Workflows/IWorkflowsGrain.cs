using System.ComponentModel;
using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>A company's workflow templates (key = company id): checks and creates them (it hands out their ids) and lists them.</summary>
[Alias("fm.IWorkflowsGrain")]
public interface IWorkflowsGrain : IGrainWithStringKey
{
    Task<WorkflowDto> CreateAsync(SaveWorkflowCommand command);

    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<WorkflowDto>> ListAsync(long companyId);

    /// <summary>Checks a definition against the format and the company's agents without saving it; raises a validation error naming each field.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<WorkflowCheckDto> CheckAsync(long companyId, JsonElement definition);
}
