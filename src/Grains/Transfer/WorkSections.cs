using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// The schedules: name, agent (by reference), task template, timing and whether it is paused; a schedule that starts a
/// workflow names it (<c>workflow</c>, by name) with its <c>workflowInputs</c>.
/// </summary>
public sealed class SchedulesSection : ICompanySection
{
    public string Name => "schedules";

    /// <summary>After the workflows (50), which a schedule may start.</summary>
    public int Order => 52;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var schedules = await Grain(scope).ReadAsync(g => g.ListAsync(scope.CompanyId));
        var items = new JsonArray();
        foreach (var s in schedules.OrderBy(s => s.Id))
        {
            var item = new JsonObject
            {
                ["name"] = s.Name,
                ["agent"] = scope.RefOf(s.AgentId),
                ["status"] = TransferScope.ToNode(s.Status),
                ["template"] = TransferScope.ToNode(s.Template),
                ["timing"] = TransferScope.ToNode(s.Timing),
            };
            if (s.WorkflowId is { } workflowId)
            {
                item["workflow"] = await scope.Turn.Sql(TransferSql.WorkflowName).With("company_id", scope.CompanyId).With("id", workflowId).ScalarAsync<string>();
                item["workflowInputs"] = s.WorkflowInputs is { } inputs ? JsonNode.Parse(inputs.GetRawText()) : null;
            }

            items.Add(item);
        }

        return items;
    }

    public async Task<int> CountAsync(TransferScope scope) => (await Grain(scope).ReadAsync(g => g.ListAsync(scope.CompanyId))).Count;

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        var i = 0;
        foreach (var item in AgentsSection.Array(section))
        {
            var field = $"sections.schedules[{i++}]";
            long? workflowId = null;
            if (item?["workflow"] is { } workflow)
            {
                var id = await scope.Turn.Sql(TransferSql.WorkflowByName).With("company_id", scope.CompanyId).With("name", workflow.ToString()).ScalarAsync<long>();
                workflowId = id != 0 ? id : throw new Interfaces.Errors.ValidationException($"{field}.workflow", $"must name a workflow of the workflows section ('{workflow}')");
            }

            await Grain(scope).CallAsync(g => g.CreateAsync(new CreateScheduleCommand
            {
                CompanyId = scope.CompanyId,
                Name = item?["name"]?.ToString() ?? "",
                AgentId = scope.IdOf(item?["agent"], $"{field}.agent"),
                Template = TransferScope.FromNode<TaskTemplate>(item?["template"], $"{field}.template"),
                Timing = TransferScope.FromNode<ScheduleTiming>(item?["timing"], $"{field}.timing"),
                Paused = TransferScope.FromNode<ScheduleStatus>(item?["status"], $"{field}.status") == ScheduleStatus.Paused,
                WorkflowId = workflowId,
                WorkflowInputs = item?["workflowInputs"] is { } inputs ? JsonSerializer.SerializeToElement(inputs) : null,
            }));
        }
    }

    public string KeyOf(JsonNode item) => item["name"]?.ToString() ?? "";

    private static IJoinedGrain<ISchedulesGrain> Grain(TransferScope scope) => scope.Turn.Join<ISchedulesGrain>(scope.CompanyId);
}

/// <summary>
/// The workflow templates at their current version: name and definition. A step's agent given by id
/// (<c>"agent": { "id": 12 }</c>) is written by reference (<c>"agent": { "ref": "agent-3" }</c>) and read back
/// as the imported agent's id.
/// </summary>
public sealed class WorkflowsSection : ICompanySection
{
    public string Name => "workflows";

    public int Order => 50;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        var workflows = await Grain(scope).ReadAsync(g => g.ListAsync(scope.CompanyId));
        return new JsonArray([.. workflows.OrderBy(w => w.Id).Select(w => new JsonObject
        {
            ["name"] = w.Name,
            ["definition"] = MapAgents(JsonNode.Parse(w.Definition.GetRawText())!, "definition", (agent, _) =>
                agent["id"] is { } id ? ("ref", (JsonNode)JsonValue.Create(scope.RefOf(id.GetValue<long>()))!) : null),
        })]);
    }

    public async Task<int> CountAsync(TransferScope scope) => (await Grain(scope).ReadAsync(g => g.ListAsync(scope.CompanyId))).Count;

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        var i = 0;
        foreach (var item in AgentsSection.Array(section))
        {
            var field = $"sections.workflows[{i++}]";
            var definition = item?["definition"]?.DeepClone() ?? throw new Interfaces.Errors.ValidationException($"{field}.definition", "is required");
            definition = MapAgents(definition, $"{field}.definition", (agent, path) =>
                agent["ref"] is { } reference ? ("id", (JsonNode)JsonValue.Create(scope.IdOf(reference, path + ".ref"))) : null);
            await Grain(scope).CallAsync(g => g.CreateAsync(new SaveWorkflowCommand
            {
                CompanyId = scope.CompanyId,
                Name = item!["name"]?.ToString() ?? "",
                Definition = JsonSerializer.SerializeToElement(definition),
            }));
        }
    }

    public string KeyOf(JsonNode item) => item["name"]?.ToString() ?? "";

    /// <summary>Replaces, in each step's <c>agent</c> object, the property the mapping names (id ↔ ref).</summary>
    private static JsonNode MapAgents(JsonNode definition, string field, Func<JsonObject, string, (string Name, JsonNode Value)?> map)
    {
        if (definition["steps"] is not JsonArray steps)
        {
            return definition;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i]?["agent"] is JsonObject agent && map(agent, $"{field}.steps[{i}].agent") is { } replacement)
            {
                agent.Remove("id");
                agent.Remove("ref");
                agent[replacement.Name] = replacement.Value;
            }
        }

        return definition;
    }

    private static IJoinedGrain<IWorkflowsGrain> Grain(TransferScope scope) => scope.Turn.Join<IWorkflowsGrain>(scope.CompanyId);
}
