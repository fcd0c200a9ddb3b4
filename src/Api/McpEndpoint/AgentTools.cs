using System.ComponentModel;
using FluidManager.Api.Access;
using FluidManager.Api.Features;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using ModelContextProtocol.Server;

namespace FluidManager.Api.McpEndpoint;

/// <summary>The org chart's agents, read-only: the same grains as GET /api/agents.</summary>
[McpServerToolType]
public sealed class AgentTools(ICompanyContext caller, IGrainFactory grains, McpToolCalls calls)
{
    [McpServerTool(Name = "list_agents", Title = "List agents", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The company's AI agents by id: name, role, department, status, manager (managerAgentId; reportsToCeo when the CEO is the manager), profile and limits.")]
    public Task<string> ListAgentsAsync(
        [Description("Only agents of this status: active, paused or archived. Omit for all.")] string? status = null) =>
        calls.RunAsync(() =>
        {
            var errors = new FieldErrors();
            var wanted = QueryValues.Enum<AgentStatus>(status, "status", errors);
            errors.ThrowIfAny();
            return grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListAgentsAsync(new ListAgentsQuery(caller.CompanyId, wanted));
        });

    [McpServerTool(Name = "get_agent", Title = "Get an agent", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One agent by id, with its profile, status, manager and version.")]
    public Task<string> GetAgentAsync([Description("The agent's id (from list_agents).")] long agentId) =>
        calls.RunAsync(() => grains.GetGrain<IAgentGrain>(agentId).GetAsync(caller.CompanyId));
}
