using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Workflows;

/// <summary>Creates, checks and lists a company's workflow templates (key = company id).</summary>
[GrainType("workflows")]
public sealed class WorkflowsGrain(ITurnContext context) : DurableGrain, IWorkflowsGrain
{
    protected override ITurnContext Turn => context;

    public async Task<WorkflowDto> CreateAsync(SaveWorkflowCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        await WorkflowRules.CheckAsync(context, companyId, command.Name, command.Definition, workflowId: 0);
        var id = await context.Sql(WorkflowSql.Insert)
            .With("company_id", companyId)
            .With("name", command.Name.Trim())
            .With("now", context.Now)
            .ScalarAsync<long>();
        await WorkflowRules.InsertVersionAsync(context, companyId, id, 1, command);
        var workflow = await WorkflowRules.LoadAsync(context, companyId, id);
        await context.PublishAsync(WorkflowEvents.Stream(id), WorkflowEvents.Created, new { workflow.Id, workflow.Name, workflow.Version }, companyId);
        return workflow;
    }

    public async Task<IReadOnlyList<WorkflowDto>> ListAsync(long companyId)
    {
        await context.EnsureCompanyAsync(companyId);
        return await context.Sql(WorkflowSql.ByCompany).With("company_id", companyId).ListAsync(WorkflowRules.Map);
    }

    public async Task<WorkflowCheckDto> CheckAsync(long companyId, JsonElement definition)
    {
        await context.EnsureCompanyAsync(companyId);
        var parsed = await WorkflowRules.CheckAsync(context, companyId, name: null, definition, workflowId: 0);
        return WorkflowRules.Shape(parsed);
    }
}

/// <summary>One workflow template (key = workflow id) and its versions.</summary>
[GrainType("workflow")]
public sealed class WorkflowGrain(ITurnContext context) : DurableGrain, IWorkflowGrain
{
    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Workflow");

    public async Task<WorkflowDto> GetAsync(long companyId) => await WorkflowRules.LoadAsync(context, companyId, Id);

    public async Task<WorkflowDto> UpdateAsync(SaveWorkflowCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var before = await WorkflowRules.LoadAsync(context, command.CompanyId, Id);
        Guard.Version("Workflow", command.ExpectedVersion, before.Version);
        await WorkflowRules.CheckAsync(context, command.CompanyId, command.Name, command.Definition, Id);
        var version = await context.Sql(WorkflowSql.Bump)
            .With("id", Id)
            .With("company_id", command.CompanyId)
            .With("name", command.Name.Trim())
            .With("version", before.Version)
            .With("now", context.Now)
            .ScalarAsync<long>();
        if (version == 0)
        {
            throw new VersionMismatchException("Workflow", before.Version, before.Version + 1);
        }

        await WorkflowRules.InsertVersionAsync(context, command.CompanyId, Id, version, command);
        var workflow = await WorkflowRules.LoadAsync(context, command.CompanyId, Id);
        await context.PublishAsync(WorkflowEvents.Stream(Id), WorkflowEvents.Updated, new { workflow.Id, workflow.Name, workflow.Version }, command.CompanyId);
        return workflow;
    }

    public async Task DeleteAsync(long companyId, long? expectedVersion = null)
    {
        var workflow = await WorkflowRules.LoadAsync(context, companyId, Id);
        Guard.Version("Workflow", expectedVersion, workflow.Version);
        await context.Sql(WorkflowSql.Delete).With("id", Id).With("company_id", companyId).ExecuteAsync();
        await context.PublishAsync(WorkflowEvents.Stream(Id), WorkflowEvents.Deleted, new { Id, companyId }, companyId);
    }

    public async Task<WorkflowPreviewDto> PreviewAsync(long companyId, JsonElement? inputs)
    {
        var workflow = await WorkflowRules.LoadAsync(context, companyId, Id);
        var errors = new WorkflowErrors();
        var definition = WorkflowDefinition.Parse(workflow.Definition, errors);
        errors.ThrowIfAny("definition.");
        var bound = WorkflowInputs.Bind(definition, inputs, errors);
        errors.ThrowIfAny();
        var steps = definition.Steps.Select((s, i) => new WorkflowStepPreviewDto(
            s.Id,
            WorkflowTemplate.RenderInputs(s.Title, bound),
            WorkflowTemplate.RenderInputs(s.Brief, bound),
            s.Requires,
            ConditionOnInputs(s, i, bound),
            s.IsCompensation)).ToList();
        return new WorkflowPreviewDto(workflow.Version, JsonSerializer.SerializeToElement(bound), steps);
    }

    /// <summary>A step's <c>if</c> when it names inputs only; one that cannot give true or false with these inputs is named as the error it would be in a run.</summary>
    private static bool? ConditionOnInputs(WorkflowStep step, int index, System.Text.Json.Nodes.JsonObject inputs)
    {
        if (step.If is not { } condition || WorkflowTemplate.References(condition).Any(r => r.Kind != WorkflowReferenceKind.Input))
        {
            return null;
        }

        try
        {
            return WorkflowCondition.Evaluate(condition, new WorkflowScope(inputs, new Dictionary<string, StepOutcome>()));
        }
        catch (WorkflowConditionException ex)
        {
            throw new ValidationException($"definition.steps[{index}].if", ex.Message);
        }
    }

    public Task<WorkflowRunDto> StartRunAsync(long companyId, JsonElement? inputs) => StartAsync(companyId, inputs, recordFiring: null);

    public Task<WorkflowRunDto> StartRunAsAsync(long companyId, JsonElement? inputs, string startedBy) => StartAsync(companyId, inputs, recordFiring: null, startedBy);

    public async Task<TriggeredRunDto> StartTriggeredRunAsync(TriggeredRunCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var trigger = await context.Sql(WorkflowTriggerSql.TriggerOfWorkflow)
            .With("id", command.TriggerId).With("company_id", command.CompanyId).With("workflow_id", Id)
            .ScalarAsync<bool>();
        if (!trigger)
        {
            throw new NotFoundException("Trigger", command.TriggerId);
        }

        var seen = await context.Sql(WorkflowTriggerSql.RunOfDelivery)
            .With("trigger_id", command.TriggerId).With("delivery_id", command.DeliveryId)
            .ScalarAsync<long>();
        if (seen != 0)
        {
            return new TriggeredRunDto(seen, Duplicate: true);
        }

        var run = await StartAsync(command.CompanyId, command.Inputs, async runId =>
        {
            await context.Sql(WorkflowTriggerSql.InsertStartedFiring)
                .With("company_id", command.CompanyId).With("trigger_id", command.TriggerId).With("delivery_id", command.DeliveryId)
                .With("run_id", runId).With("event_position", command.EventPosition).With("event_type", command.EventType).With("depth", command.Depth)
                .With("now", context.Now)
                .ExecuteAsync();
            await context.Sql(WorkflowTriggerSql.SetRunDepth).With("company_id", command.CompanyId).With("run_id", runId).With("depth", command.Depth).ExecuteAsync();
        });
        return new TriggeredRunDto(run.Id, Duplicate: false);
    }

    private async Task<WorkflowRunDto> StartAsync(long companyId, JsonElement? inputs, Func<long, Task>? recordFiring, string? startedBy = null)
    {
        var workflow = await WorkflowRules.LoadAsync(context, companyId, Id);
        var errors = new WorkflowErrors();
        var definition = WorkflowDefinition.Parse(workflow.Definition, errors);
        errors.ThrowIfAny("definition.");
        var bound = WorkflowInputs.Bind(definition, inputs, errors);
        errors.ThrowIfAny();
        var runId = await context.Sql(WorkflowRunSql.InsertRun)
            .With("company_id", companyId)
            .With("workflow_id", Id)
            .With("workflow_version", workflow.Version)
            .With("inputs", bound.ToJsonString())
            .With("started_by", startedBy ?? context.Actor ?? Actor.System)
            .With("now", context.Now)
            .ScalarAsync<long>();
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            await context.Sql(WorkflowRunSql.InsertStep).With("company_id", companyId).With("run_id", runId).With("step_key", definition.Steps[i].Id).With("position", i).ExecuteAsync();
        }

        if (recordFiring is not null)
        {
            await recordFiring(runId);
        }

        await context.PublishAsync(WorkflowRunEvents.Stream(runId), WorkflowRunEvents.RunStarted,
            new { RunId = runId, WorkflowId = Id, workflow.Name, workflow.Version, Inputs = bound }, companyId);
        return await context.Join<IWorkflowRunGrain>(runId).CallAsync(g => g.BeginAsync(companyId));
    }

    public async Task<IReadOnlyList<WorkflowRunDto>> ListRunsAsync(long companyId)
    {
        await WorkflowRules.LoadAsync(context, companyId, Id);
        var ids = await context.Sql(WorkflowRunSql.RunsOfWorkflow).With("company_id", companyId).With("workflow_id", Id).ListAsync(r => r.GetInt64(0));
        var runs = new List<WorkflowRunDto>(ids.Count);
        foreach (var runId in ids)
        {
            var row = await WorkflowRunRows.LoadAsync(context, companyId, runId);
            runs.Add(await WorkflowRunRows.ShowAsync(context, row, await WorkflowRunRows.StepsAsync(context, runId), definition: null));
        }

        return runs;
    }

    public async Task<IReadOnlyList<WorkflowVersionDto>> ListVersionsAsync(long companyId)
    {
        await WorkflowRules.LoadAsync(context, companyId, Id);
        return await context.Sql(WorkflowSql.Versions).With("id", Id).With("company_id", companyId).ListAsync(WorkflowRules.MapVersion);
    }

    public async Task<WorkflowVersionDto> GetVersionAsync(long companyId, long version) =>
        await context.Sql(WorkflowSql.Version).With("id", Id).With("company_id", companyId).With("version", version).FirstOrDefaultAsync(WorkflowRules.MapVersion)
            ?? throw new NotFoundException($"Version {version} of workflow", Id);
}

/// <summary>Checks and row mapping shared by the workflow grains (and the runs, which read a pinned version).</summary>
internal static class WorkflowRules
{
    /// <summary>The format, then what only the company knows: a free name, agents that exist, roles and departments someone holds.</summary>
    public static async Task<WorkflowDefinition> CheckAsync(ITurnContext context, long companyId, string? name, JsonElement definition, long workflowId)
    {
        var errors = new WorkflowErrors();
        if (name is not null)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add("name", "is required");
            }
            else if (name.Trim().Length > 200)
            {
                errors.Add("name", "must be at most 200 characters");
            }
            else if (await context.Sql(WorkflowSql.NameTaken).With("company_id", companyId).With("name", name.Trim()).With("id", workflowId).ScalarAsync<bool>())
            {
                errors.Add("name", $"a workflow named '{name.Trim()}' already exists");
            }
        }

        var definitionErrors = new WorkflowErrors();
        var parsed = WorkflowDefinition.Parse(definition, definitionErrors);
        var agents = await context.Sql(WorkflowSql.Agents).With("company_id", companyId)
            .ListAsync(r => (Id: r.Get<long>("id"), Role: r.Get<string>("role"), Department: r.Get<string>("department")));
        for (var i = 0; i < parsed.Steps.Count; i++)
        {
            var agent = parsed.Steps[i].Agent;
            if (agent.Id is { } id && agents.All(a => a.Id != id))
            {
                definitionErrors.Add($"steps[{i}].agent.id", $"agent {id} does not exist in this company");
            }
            else if (agent.Role is { } role && !agents.Any(a => string.Equals(a.Role, role, StringComparison.OrdinalIgnoreCase)))
            {
                definitionErrors.Add($"steps[{i}].agent.role", $"no agent of this company has the role '{role}'");
            }
            else if (agent.Department is { } department && !agents.Any(a => string.Equals(a.Department, department, StringComparison.OrdinalIgnoreCase)))
            {
                definitionErrors.Add($"steps[{i}].agent.department", $"no agent of this company is in the department '{department}'");
            }
        }

        var all = errors.ToDictionary().Concat(definitionErrors.ToDictionary().Select(e => KeyValuePair.Create(e.Key.Length == 0 ? "definition" : "definition." + e.Key, e.Value))).ToDictionary();
        if (all.Count > 0)
        {
            throw new ValidationException(all);
        }

        return parsed;
    }

    /// <summary>The steps in layers (a step sits one below the deepest step it requires; a compensation below what it compensates) and the arrows.</summary>
    public static WorkflowCheckDto Shape(WorkflowDefinition definition)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(WorkflowStep step)
        {
            if (depth.TryGetValue(step.Id, out var d))
            {
                return d;
            }

            var before = step.Requires.Select(r => definition.Step(r))
                .Concat(step.IsCompensation ? definition.Steps.Where(s => s.CompensateWith == step.Id) : [])
                .Select(Depth)
                .DefaultIfEmpty(-1)
                .Max();
            return depth[step.Id] = before + 1;
        }

        foreach (var step in definition.Steps)
        {
            Depth(step);
        }

        var layers = definition.Steps.GroupBy(s => depth[s.Id]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<string>)g.Select(s => s.Id).ToList()).ToList();
        var edges = definition.Steps.SelectMany(s => s.Requires.Select(r => new WorkflowEdgeDto(r, s.Id, "requires")))
            .Concat(definition.Steps.Where(s => s.CompensateWith is not null).Select(s => new WorkflowEdgeDto(s.Id, s.CompensateWith!, "compensates")))
            .ToList();
        return new WorkflowCheckDto(layers, edges, definition.Inputs.Select(i => i.Name).ToList());
    }

    public static async Task InsertVersionAsync(ITurnContext context, long companyId, long workflowId, long version, SaveWorkflowCommand command) =>
        await context.Sql(WorkflowSql.InsertVersion)
            .With("company_id", companyId)
            .With("workflow_id", workflowId)
            .With("version", version)
            .With("name", command.Name.Trim())
            .With("definition", command.Definition.GetRawText())
            .With("now", context.Now)
            .ExecuteAsync();

    public static async Task<WorkflowDto> LoadAsync(ITurnContext context, long companyId, long id) =>
        await context.Sql(WorkflowSql.ById).With("id", id).With("company_id", companyId).FirstOrDefaultAsync(Map)
            ?? throw new NotFoundException("Workflow", id);

    public static WorkflowDto Map(NpgsqlDataReader r)
    {
        var definition = JsonElement.Parse(r.Get<string>("definition"));
        return new WorkflowDto(
            r.Get<long>("id"),
            r.Get<long>("company_id"),
            r.Get<string>("name"),
            definition.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
            r.Get<long>("version"),
            definition,
            definition.TryGetProperty("steps", out var s) && s.ValueKind == JsonValueKind.Array ? s.GetArrayLength() : 0,
            r.Get<DateTimeOffset>("created_at"),
            r.Get<DateTimeOffset>("updated_at"));
    }

    public static WorkflowVersionDto MapVersion(NpgsqlDataReader r) => new(
        r.Get<long>("workflow_id"),
        r.Get<long>("version"),
        r.Get<string>("name"),
        JsonElement.Parse(r.Get<string>("definition")),
        r.Get<DateTimeOffset>("created_at"));
}
