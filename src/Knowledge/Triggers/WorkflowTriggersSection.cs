using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Transfer;

namespace FluidManager.Knowledge.Triggers;

/// <summary>
/// The workflow triggers of a company document: name, workflow (by name) and replay window; never the secret. An
/// imported trigger gets a new secret nobody has seen, so it always arrives disabled (and the document does not say
/// whether a trigger is enabled, so that an imported company exports to the same document): rotate its secret
/// (<c>POST /api/triggers/{id}/secret</c>) and enable it.
/// </summary>
public sealed class WorkflowTriggersSection(WorkflowTriggers triggers) : ICompanySection
{
    public string Name => "workflowTriggers";

    /// <summary>After the workflows (50).</summary>
    public int Order => 55;

    public async Task<JsonNode> ExportAsync(TransferScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new JsonArray([.. await scope.Turn.Sql(WorkflowTriggersSql.ForExport).With("company_id", scope.CompanyId).ListAsync(r => new JsonObject
        {
            ["workflow"] = r.Get<string>("workflow"),
            ["name"] = r.Get<string>("name"),
            ["replayWindowSeconds"] = r.Get<int>("replay_window_seconds"),
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
            if (workflowId == 0)
            {
                throw new ValidationException($"{field}.workflow", $"must name a workflow of the workflows section ('{workflowName}')");
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

    public string KeyOf(JsonNode item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item["workflow"]} / {item["name"]}";
    }
}
