using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// The agents with their whole profile (role, prompt, style, model, tools, skills, budgets and limits, SQL
/// grants), status and place in the org chart (<c>reportsTo</c>: <c>"ceo"</c>, another agent's reference, or
/// null outside the chart). Listed managers first, so an import hires each agent under a manager already there.
/// </summary>
public sealed class AgentsSection : ICompanySection
{
    private const string Ceo = "ceo";

    public string Name => "agents";

    public int Order => 10;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var agents = await ListAsync(scope);
        var reports = agents.Where(a => a.ManagerAgentId is not null).ToLookup(a => a.ManagerAgentId!.Value);
        var ordered = new List<AgentDto>();
        var queue = new Queue<AgentDto>(agents.Where(a => a.ReportsToCeo).OrderBy(a => a.Id));
        while (queue.TryDequeue(out var agent))
        {
            ordered.Add(agent);
            foreach (var report in reports[agent.Id].OrderBy(r => r.Id))
            {
                queue.Enqueue(report);
            }
        }

        var placed = ordered.Select(a => a.Id).ToHashSet();
        ordered.AddRange(agents.Where(a => !placed.Contains(a.Id)).OrderBy(a => a.Id));
        for (var i = 0; i < ordered.Count; i++)
        {
            scope.MapAgent($"agent-{i + 1}", ordered[i].Id);
        }

        var items = new JsonArray();
        foreach (var agent in ordered)
        {
            items.Add(new JsonObject
            {
                ["ref"] = scope.RefOf(agent.Id),
                ["status"] = TransferScope.ToNode(agent.Status),
                ["reportsTo"] = agent.ReportsToCeo ? Ceo : agent.ManagerAgentId is { } manager ? scope.RefOf(manager) : null,
                ["profile"] = TransferScope.ToNode(agent.Profile),
            });
        }

        return items;
    }

    public async Task<int> CountAsync(TransferScope scope) => (await ListAsync(scope)).Count;

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        var company = scope.Turn.Join<ICompanyGrain>(scope.CompanyId);
        var i = 0;
        foreach (var item in Array(section))
        {
            var field = $"sections.agents[{i++}]";
            var reference = TransferScope.FromNode<string>(item?["ref"], $"{field}.ref");
            var reportsTo = item!["reportsTo"];
            var toCeo = reportsTo?.GetValueKind() == System.Text.Json.JsonValueKind.String && reportsTo.GetValue<string>() == Ceo;
            long? manager = reportsTo is null || toCeo ? null : scope.IdOf(reportsTo, $"{field}.reportsTo");
            var agent = await company.CallAsync(g => g.CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = scope.CompanyId,
                Profile = TransferScope.FromNode<AgentProfile>(item["profile"], $"{field}.profile"),
                Status = TransferScope.FromNode<AgentStatus>(item["status"], $"{field}.status"),
                PlaceInOrgChart = reportsTo is not null,
                ManagerAgentId = manager,
            }));
            scope.MapAgent(reference, agent.Id);
        }
    }

    public string KeyOf(JsonNode item) => $"{item["profile"]?["firstName"]} {item["profile"]?["lastName"]}";

    internal static JsonArray Array(JsonNode section) =>
        section as JsonArray ?? throw new Interfaces.Errors.ValidationException("sections", "each list section must be a JSON array");

    private static Task<IReadOnlyList<AgentDto>> ListAsync(TransferScope scope) =>
        scope.Turn.Join<ICompanyGrain>(scope.CompanyId).ReadAsync(g => g.ListAgentsAsync(new ListAgentsQuery(scope.CompanyId)));
}
