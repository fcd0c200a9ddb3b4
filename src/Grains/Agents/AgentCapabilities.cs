using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;

namespace FluidManager.Grains.Agents;

/// <summary>What <see cref="IAgentGrain.GetCapabilitiesAsync"/> reads and how it puts it together.</summary>
internal static class AgentCapabilities
{
    /// <summary>The agent's assigned tasks by status (waiting: paused, blocked or awaiting approval) and its model spend of the UTC day.</summary>
    public const string LoadSql = """
        SELECT
          (SELECT count(*)::int FROM tasks WHERE company_id = @company_id AND assignee_agent_id = @agent_id AND status = 'queued') AS queued,
          (SELECT count(*)::int FROM tasks WHERE company_id = @company_id AND assignee_agent_id = @agent_id AND status = 'running') AS running,
          (SELECT count(*)::int FROM tasks WHERE company_id = @company_id AND assignee_agent_id = @agent_id
             AND status IN ('paused', 'blocked', 'awaiting_approval')) AS waiting,
          COALESCE((SELECT sum(input_tokens + output_tokens) FROM spend_by_agent_day
             WHERE company_id = @company_id AND agent_id = @agent_id AND day = (@now AT TIME ZONE 'UTC')::date), 0)::bigint AS tokens_today,
          COALESCE((SELECT sum(cost) FROM spend_by_agent_day
             WHERE company_id = @company_id AND agent_id = @agent_id AND day = (@now AT TIME ZONE 'UTC')::date), 0)::numeric AS cost_today
        """;

    public const string DirectReportsSql = """
        SELECT count(*) FROM org_edges WHERE company_id = @company_id AND manager_agent_id = @agent_id AND effective_to IS NULL
        """;

    public static AgentCapabilitiesDto Of(AgentDto agent, AgentLoadDto load, int directReports, AgentToolCatalog? catalog)
    {
        var profile = agent.Profile;
        var governed = catalog?.For(profile.AllowedTools).Select(t => t.Name) ?? [];
        return new AgentCapabilitiesDto
        {
            AgentId = agent.Id,
            Name = agent.DisplayName,
            Role = profile.Role,
            Department = profile.Department,
            Seniority = profile.Seniority,
            Status = agent.Status,
            Model = profile.Model,
            Skills = profile.Affinities,
            Tools = [.. WorkTools.For(canDelegate: directReports > 0).Select(t => t.Name), .. governed],
            GovernedTools = profile.AllowedTools,
            SqlSources = profile.Limits.SqlSources,
            WebDomains = profile.Limits.WebDomains,
            Limits = profile.Limits,
            Load = load,
            DirectReports = directReports,
        };
    }
}
