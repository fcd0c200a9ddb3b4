using System.ComponentModel;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Companies;

/// <summary>A company (key = company id): creates agents and tasks (it hands out their ids) and answers company-wide lists.</summary>
[Alias("fm.ICompanyGrain")]
public interface ICompanyGrain : IGrainWithStringKey
{
    Task<AgentDto> CreateAgentAsync(CreateAgentCommand command);

    Task<TaskDto> CreateTaskAsync(CreateTaskCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<AgentDto>> ListAgentsAsync(ListAgentsQuery query);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<TaskDto>> ListTasksAsync(ListTasksQuery query);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ArtifactDto> GetArtifactAsync(long companyId, long artifactId);

    /// <summary>Open escalations addressed to the CEO seat.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<EscalationDto>> ListCeoInboxAsync(long companyId);

    Task<EscalationDto> ResolveEscalationAsync(ResolveEscalationCommand command);
}
