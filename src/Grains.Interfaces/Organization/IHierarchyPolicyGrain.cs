using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// The company's org chart and hierarchy rules (key = company id): the one writer of org changes,
/// and the judge of every delegation question. Questions are read-only, so they never serialise
/// the company.
/// </summary>
[Alias("fm.IHierarchyPolicyGrain")]
public interface IHierarchyPolicyGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<OrgChartDto> GetOrgChartAsync(GetOrgChartQuery query);

    Task<OrgChartDto> AddEdgeAsync(AddOrgEdgeCommand command);

    Task<OrgChartDto> RemoveEdgeAsync(RemoveOrgEdgeCommand command);

    Task<OrgChartDto> MoveSubtreeAsync(MoveSubtreeCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<PolicyRuleDto>> ListRulesAsync(long companyId);

    Task<PolicyRuleDto> AddRuleAsync(AddPolicyRuleCommand command);

    Task<PolicyRuleDto> UpdateRuleAsync(UpdatePolicyRuleCommand command);

    Task DeleteRuleAsync(DeletePolicyRuleCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<PolicyDecision> CanAssignAsync(CanAssignQuestion question);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<PolicyDecision> CanManageAsync(CanManageQuestion question);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ApprovalDecision> RequiresApprovalAsync(ApprovalQuestion question);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<EscalationTarget> GetEscalationTargetAsync(long companyId, long agentId);

    /// <summary>
    /// Grain-to-grain: checks, under the org lock, that an agent may take a new role or department
    /// where it stands in the chart. Raises <c>PolicyDeniedException</c> otherwise.
    /// </summary>
    Task CheckRoleChangeAsync(long companyId, long agentId, string role, string department);

    /// <summary>Grain-to-grain: takes a deleted agent out of the chart; refused while it has direct reports.</summary>
    Task RemoveAgentAsync(long companyId, long agentId);
}
