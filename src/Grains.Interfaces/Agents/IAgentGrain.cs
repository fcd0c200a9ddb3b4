using System.ComponentModel;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>One agent (key = agent id). Agents are created through <c>ICompanyGrain.CreateAgentAsync</c>.</summary>
[Alias("fm.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<AgentDto> GetAsync(long companyId);

    Task<AgentDto> UpdateAsync(UpdateAgentCommand command);

    Task<AgentDto> SetStatusAsync(SetAgentStatusCommand command);

    /// <summary>Refused with a <c>ConflictException</c> naming the reason while the agent has open work or direct reports.</summary>
    Task DeleteAsync(DeleteAgentCommand command);

    Task<AgentDto> SetAvatarAsync(SetAvatarCommand command);

    /// <summary>Creates a subtask assigned to a subordinate, after the hierarchy policy agreed.</summary>
    Task<TaskDto> DelegateAsync(DelegateCommand command);

    Task<EscalationDto> EscalateAsync(EscalateCommand command);

    /// <summary>Attaches an artifact to the agent itself (not to a task); idempotent by step key.</summary>
    Task<ArtifactDto> AttachArtifactAsync(AttachArtifactCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ArtifactDto>> ListArtifactsAsync(long companyId);

    /// <summary>Adds a note to the agent's own worklog, outside any task.</summary>
    Task<WorklogEntryDto> AddWorklogAsync(AddAgentWorklogCommand command);

    /// <summary>Tasks assigned to the agent that are not done or cancelled.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<TaskDto>> ListOpenTasksAsync(long companyId);

    /// <summary>Its role, skills, tools, data sources, limits and current load.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<AgentCapabilitiesDto> GetCapabilitiesAsync(long companyId);

    /// <summary>Escalations addressed to this agent by its reports.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<EscalationDto>> ListInboxAsync(long companyId);
}
