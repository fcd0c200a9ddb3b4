using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Transfer;
using FluidManager.Grains.Triggers;
using FluidManager.Runtime;

namespace FluidManager.Knowledge.Triggers;

/// <summary>
/// The workflow triggers of a company document: name, workflow (by name) and replay window; never the secret. An
/// imported trigger gets a new secret nobody has seen, so it always arrives disabled (and the document does not say
/// whether a trigger is enabled, so that an imported company exports to the same document): rotate its secret
/// (<c>POST /api/triggers/{id}/secret</c>) and enable it. An event trigger (<c>kind</c> event) carries its event type,
/// condition, target, inputs and task (its agent by reference); having no secret, it arrives enabled.
/// </summary>
public sealed class WorkflowTriggersSection(WorkflowTriggers triggers) : ICompanySection
{
    public string Name => "workflowTriggers";

    /// <summary>After the workflows (50).</summary>
    public int Order => 55;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new JsonArray([.. await scope.Turn.Sql(WorkflowTriggersSql.ForExport).With("company_id", scope.CompanyId).ListAsync(r =>
        {
            if (r.Get<string>("kind") != "event")
            {
                return new JsonObject
                {
                    ["workflow"] = r.GetStringOrNull("workflow"),
                    ["name"] = r.Get<string>("name"),
                    ["replayWindowSeconds"] = r.Get<int>("replay_window_seconds"),
                };
            }

            var item = new JsonObject
            {
                ["kind"] = "event",
                ["workflow"] = r.GetStringOrNull("workflow"),
                ["name"] = r.Get<string>("name"),
                ["eventType"] = r.GetStringOrNull("event_type"),
                ["condition"] = r.GetStringOrNull("condition"),
                ["target"] = r.Get<string>("target"),
                ["inputs"] = r.GetStringOrNull("inputs") is { } inputs ? JsonNode.Parse(inputs) : null,
            };
            if (r.GetStringOrNull("task_template") is { } text && JsonSerializer.Deserialize<EventTriggerTask>(text, RuntimeJson.Options) is { } task)
            {
                var node = TransferScope.ToNode(task with { AgentId = null }).AsObject();
                if (task.AgentId is { } agentId)
                {
                    node["agent"] = scope.RefOf(agentId);
                }

                item["task"] = node;
            }

            return item;
        })]);
    }

    public async Task<int> CountAsync(TransferScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await scope.Turn.Sql(WorkflowTriggersSql.Count).With("company_id", scope.CompanyId).ScalarAsync<int>();
    }

    public async Task ImportAsync(TransferScope scope, JsonNode section)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (section is not JsonArray items)
        {
            throw new ValidationException("sections.workflowTriggers", "must be a JSON array");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var field = $"sections.workflowTriggers[{i}]";
            var item = items[i] ?? throw new ValidationException(field, "is required");
            var name = item["name"]?.ToString().Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                throw new ValidationException($"{field}.name", "is required (at most 200 characters)");
            }

            var workflowName = item["workflow"]?.ToString() ?? "";
            var workflowId = await scope.Turn.Sql(WorkflowTriggersSql.WorkflowByName).With("company_id", scope.CompanyId).With("name", workflowName).ScalarAsync<long>();
            var isEvent = item["kind"]?.ToString() == "event";
            if (workflowId == 0 && (!isEvent || item["workflow"] is not null || item["target"]?.ToString() != "task"))
            {
                throw new ValidationException($"{field}.workflow", $"must name a workflow of the workflows section ('{workflowName}')");
            }

            if (isEvent)
            {
                await ImportEventAsync(scope, item, field, name, workflowId == 0 ? null : workflowId);
                continue;
            }

            var window = item["replayWindowSeconds"]?.GetValue<int>() ?? WorkflowTriggers.DefaultReplayWindowSeconds;
            if (window is < 30 or > 86400)
            {
                throw new ValidationException($"{field}.replayWindowSeconds", "must be between 30 and 86400");
            }

            await scope.Turn.Sql(WorkflowTriggersSql.Insert)
                .With("company_id", scope.CompanyId).With("workflow_id", workflowId).With("name", name)
                .With("secret", triggers.Protect(scope.CompanyId, WorkflowTriggers.NewSecret()))
                .With("enabled", false).With("replay_window_seconds", window).With("actor", scope.Turn.Actor ?? "system").With("now", scope.Turn.Now)
                .ScalarAsync<long>();
        }
    }

    private static async Task ImportEventAsync(TransferScope scope, JsonNode item, string field, string name, long? workflowId)
    {
        var eventType = item["eventType"]?.ToString();
        if (TriggerRules.EventTypeError(eventType) is { } typeError)
        {
            throw new ValidationException($"{field}.eventType", typeError);
        }

        var condition = item["condition"]?.ToString();
        if (TriggerRules.ConditionError(condition) is { } conditionError)
        {
            throw new ValidationException($"{field}.condition", conditionError);
        }

        var target = item["target"]?.ToString() ?? "workflow";
        if (target is not ("workflow" or "task"))
        {
            throw new ValidationException($"{field}.target", $"'{target}' is not a target: workflow or task");
        }

        string? task = null;
        if (target == "task")
        {
            if (item["task"] is not JsonObject node || string.IsNullOrWhiteSpace(node["title"]?.ToString()))
            {
                throw new ValidationException($"{field}.task", "is required, with a title, for a trigger that creates a task");
            }

            var agent = node["agent"] is { } reference ? scope.IdOf(reference, $"{field}.task.agent") : (long?)null;
            var copy = node.DeepClone().AsObject();
            copy.Remove("agent");
            var template = TransferScope.FromNode<EventTriggerTask>(copy, $"{field}.task") with { AgentId = agent };
            task = JsonSerializer.Serialize(template, RuntimeJson.Options);
        }

        var inputs = item["inputs"] is JsonObject given ? given.ToJsonString() : null;
        await scope.Turn.Sql(WorkflowTriggersSql.InsertEvent)
            .With("company_id", scope.CompanyId).With("workflow_id", workflowId).With("name", name).With("enabled", true)
            .With("event_type", eventType).With("condition", condition).With("target", target).With("inputs", inputs).With("task_template", task)
            .With("actor", scope.Turn.Actor ?? "system").With("now", scope.Turn.Now)
            .ScalarAsync<long>();
    }

    public string KeyOf(JsonNode item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item["workflow"]} / {item["name"]}";
    }
}
