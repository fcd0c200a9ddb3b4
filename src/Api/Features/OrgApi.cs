using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>Places an unplaced agent under a manager (null: the CEO seat).</summary>
public sealed record AddOrgEdgeRequest(long? ManagerAgentId, long? SubordinateAgentId, long? ExpectedVersion);

/// <summary>Moves an agent and its whole team under a new manager (null: the CEO seat).</summary>
public sealed record MoveSubtreeRequest(long? AgentId, long? NewManagerAgentId, long? ExpectedVersion);

/// <summary>
/// A seat of the org chart: the CEO seat at the top (level N), then its reports (N-1) and so on down
/// to level 0. A node with several reports is a fork.
/// </summary>
public sealed record OrgChartNode(
    string Kind,
    long? AgentId,
    string Name,
    string? Role,
    string? Department,
    AgentSeniority? Seniority,
    AgentStatus? Status,
    long? AvatarArtifactId,
    int Level,
    int Depth,
    IReadOnlyList<OrgChartNode> Reports)
{
    public const string Ceo = "ceo";
    public const string Agent = "agent";
}

/// <summary>The chart as a tree. <see cref="Levels"/> rows: the CEO seat has level <c>Levels - 1</c>. <see cref="Unplaced"/>: agents with no manager yet.</summary>
public sealed record OrgChartTree(long CompanyId, long Version, DateTimeOffset AsOf, int Levels, OrgChartNode Root, IReadOnlyList<AgentDto> Unplaced);

/// <summary>The org chart: as a tree for display, as edges for tools, and its changes (each checked against the hierarchy rules).</summary>
public static class OrgApi
{
    public static IEndpointRouteBuilder MapOrgApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/org").WithTags("Org chart");

        group.MapGet("/chart", GetChartAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetOrgChart")
            .WithSummary("The org chart as a tree, now or as it stood at asOf: the CEO seat at level N on top, each report one level below. The ETag is the chart's version.");

        group.MapGet("/edges", GetEdgesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetOrgEdges")
            .WithSummary("The reporting lines (manager → subordinate; a null manager is the CEO seat), now or at asOf, with the chart's version as ETag.");

        group.MapPost("/edges", AddEdgeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddOrgEdge")
            .WithSummary("Places an agent that has no manager under managerAgentId (null: the CEO seat). 409 for a cycle or a second manager, 403 with the rule when a hierarchy rule forbids it, 412 on a stale version.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/edges/{subordinateAgentId:long}", RemoveEdgeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RemoveOrgEdge")
            .WithSummary("Ends the agent's reporting line (it keeps its own reports); the line stays in the chart's history.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/move", MoveSubtreeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("MoveOrgSubtree")
            .WithSummary("Moves an agent with its whole team under a new manager (null: the CEO seat), in one change checked against the hierarchy rules.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static async Task<Results<Ok<OrgChartTree>, StatusCodeHttpResult>> GetChartAsync(ICompanyContext caller, IGrainFactory grains, HttpContext http, DateTimeOffset? asOf = null)
    {
        var chart = await grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId).GetOrgChartAsync(new GetOrgChartQuery(caller.CompanyId, asOf));
        var agents = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListAgentsAsync(new ListAgentsQuery(caller.CompanyId));
        return http.OkOrNotModified(BuildTree(chart, agents), chart.Version);
    }

    private static async Task<Results<Ok<OrgChartDto>, StatusCodeHttpResult>> GetEdgesAsync(ICompanyContext caller, IGrainFactory grains, HttpContext http, DateTimeOffset? asOf = null)
    {
        var chart = await grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId).GetOrgChartAsync(new GetOrgChartQuery(caller.CompanyId, asOf));
        return http.OkOrNotModified(chart, chart.Version);
    }

    private static async Task<Ok<OrgChartDto>> AddEdgeAsync(AddOrgEdgeRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var subordinate = request.SubordinateAgentId ?? throw new ValidationException("subordinateAgentId", "is required");
        var chart = await grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId)
            .AddEdgeAsync(new AddOrgEdgeCommand(caller.CompanyId, request.ManagerAgentId, subordinate, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(chart), chart.Version);
    }

    private static async Task<Ok<OrgChartDto>> RemoveEdgeAsync(long subordinateAgentId, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var chart = await grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId)
            .RemoveEdgeAsync(new RemoveOrgEdgeCommand(caller.CompanyId, subordinateAgentId, Versions.Expected(http)));
        return http.WithETag(TypedResults.Ok(chart), chart.Version);
    }

    private static async Task<Ok<OrgChartDto>> MoveSubtreeAsync(MoveSubtreeRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var agent = request.AgentId ?? throw new ValidationException("agentId", "is required");
        var chart = await grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId)
            .MoveSubtreeAsync(new MoveSubtreeCommand(caller.CompanyId, agent, request.NewManagerAgentId, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(chart), chart.Version);
    }

    /// <summary>
    /// Hangs every agent under its manager, starting from the CEO seat, and numbers the levels from
    /// the bottom: the deepest agents are level 0, the CEO seat level N. Reports are ordered by id.
    /// </summary>
    public static OrgChartTree BuildTree(OrgChartDto chart, IReadOnlyList<AgentDto> agents)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(agents);
        var byId = agents.ToDictionary(a => a.Id);
        var reports = chart.Edges
            .Where(e => e.EffectiveTo is null || e.EffectiveTo > chart.AsOf)
            .GroupBy(e => e.ManagerAgentId ?? 0)
            .ToDictionary(g => g.Key, g => g.Select(e => e.SubordinateAgentId).Order().ToList());
        var placed = new HashSet<long>();

        int Height(long seat, int depth)
        {
            if (depth > byId.Count + chart.Edges.Count || !reports.TryGetValue(seat, out var below))
            {
                return 0;
            }

            return below.Count == 0 ? 0 : 1 + below.Max(id => Height(id, depth + 1));
        }

        var top = Height(0, 0);

        OrgChartNode Node(long agentId, int depth)
        {
            placed.Add(agentId);
            var children = reports.TryGetValue(agentId, out var below)
                ? below.Where(id => !placed.Contains(id)).Select(id => Node(id, depth + 1)).ToList()
                : [];
            return byId.TryGetValue(agentId, out var agent)
                ? new OrgChartNode(OrgChartNode.Agent, agent.Id, agent.DisplayName, agent.Profile.Role, agent.Profile.Department, agent.Profile.Seniority,
                    agent.Status, agent.AvatarArtifactId, top - depth, depth, children)
                : new OrgChartNode(OrgChartNode.Agent, agentId, $"Former agent {agentId}", null, null, null, null, null, top - depth, depth, children);
        }

        var ceoReports = reports.TryGetValue(0, out var first) ? first.Select(id => Node(id, 1)).ToList() : [];
        var root = new OrgChartNode(OrgChartNode.Ceo, null, "CEO", "CEO", null, null, null, null, top, 0, ceoReports);
        var unplaced = agents.Where(a => !placed.Contains(a.Id)).OrderBy(a => a.Id).ToList();
        return new OrgChartTree(chart.CompanyId, chart.Version, chart.AsOf, top + 1, root, unplaced);
    }
}
