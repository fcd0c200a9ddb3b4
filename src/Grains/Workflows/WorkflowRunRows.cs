using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Workflows;

/// <summary>The statuses of a run and of its steps, as stored.</summary>
internal static class RunStatus
{
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Compensating = "compensating";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public const string Pending = "pending";
    public const string Waiting = "waiting";
    public const string Skipped = "skipped";

    /// <summary>A step that will not run again on its own.</summary>
    public static bool IsSettled(string status) => status is Completed or Failed or Skipped or Cancelled;

    /// <summary>A step the steps after it may follow: done, skipped, or failed under <c>continue</c> (a failure that does not stop the run).</summary>
    public static bool Unblocks(string status) => status is Completed or Skipped or Failed;

    public static bool IsOpen(string status) => status is Pending or Waiting or Running;
}

/// <summary>A run's row.</summary>
internal sealed class RunRow
{
    public required long Id { get; init; }
    public required long CompanyId { get; init; }
    public required long WorkflowId { get; init; }
    public required long WorkflowVersion { get; init; }
    public required string Status { get; set; }
    public required JsonObject Inputs { get; init; }
    public string? Error { get; set; }
    public required string StartedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public required string Definition { get; init; }

    public bool IsOver => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
}

/// <summary>A step's row.</summary>
internal sealed class StepRow
{
    public required string Key { get; init; }
    public required int Position { get; init; }
    public required string Status { get; set; }
    public int Attempt { get; set; }
    public long? TaskId { get; set; }
    public long? AgentId { get; set; }
    public JsonNode? Result { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? RetryAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public StepOutcome Outcome => new(Status, Result, Error);
}

/// <summary>Loading, saving and showing runs.</summary>
internal static class WorkflowRunRows
{
    public static async Task<RunRow> LoadAsync(ITurnContext context, long companyId, long id) =>
        await context.Sql(WorkflowRunSql.Run).With("id", id).With("company_id", companyId).FirstOrDefaultAsync(r => new RunRow
        {
            Id = r.Get<long>("id"),
            CompanyId = r.Get<long>("company_id"),
            WorkflowId = r.Get<long>("workflow_id"),
            WorkflowVersion = r.Get<long>("workflow_version"),
            Status = r.Get<string>("status"),
            Inputs = JsonNode.Parse(r.Get<string>("inputs")) as JsonObject ?? [],
            Error = r.GetStringOrNull("error"),
            StartedBy = r.Get<string>("started_by"),
            CreatedAt = r.Get<DateTimeOffset>("created_at"),
            UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
            FinishedAt = r.GetOrNull<DateTimeOffset>("finished_at"),
            Definition = r.Get<string>("definition"),
        }) ?? throw new NotFoundException("Workflow run", id);

    public static async Task<List<StepRow>> StepsAsync(ITurnContext context, long runId) =>
        await context.Sql(WorkflowRunSql.Steps).With("run_id", runId).ListAsync(r => new StepRow
        {
            Key = r.Get<string>("step_key"),
            Position = r.Get<int>("position"),
            Status = r.Get<string>("status"),
            Attempt = r.Get<int>("attempt"),
            TaskId = r.GetOrNull<long>("task_id"),
            AgentId = r.GetOrNull<long>("agent_id"),
            Result = r.GetStringOrNull("result") is { } result ? JsonNode.Parse(result) : null,
            Error = r.GetStringOrNull("error"),
            RetryAt = r.GetOrNull<DateTimeOffset>("retry_at"),
            StartedAt = r.GetOrNull<DateTimeOffset>("started_at"),
            FinishedAt = r.GetOrNull<DateTimeOffset>("finished_at"),
        });

    public static async Task SaveAsync(ITurnContext context, RunRow run)
    {
        run.UpdatedAt = context.Now;
        await context.Sql(WorkflowRunSql.UpdateRun)
            .With("id", run.Id)
            .With("status", run.Status)
            .With("error", run.Error)
            .With("finished_at", run.FinishedAt)
            .With("now", context.Now)
            .ExecuteAsync();
    }

    public static async Task SaveAsync(ITurnContext context, long runId, StepRow step) =>
        await context.Sql(WorkflowRunSql.UpdateStep)
            .With("run_id", runId)
            .With("step_key", step.Key)
            .With("status", step.Status)
            .With("attempt", step.Attempt)
            .With("task_id", step.TaskId)
            .With("agent_id", step.AgentId)
            .With("result", step.Result is null ? null : step.Result.ToJsonString())
            .With("error", step.Error)
            .With("retry_at", step.RetryAt)
            .With("started_at", step.StartedAt)
            .With("finished_at", step.FinishedAt)
            .ExecuteAsync();

    public static async Task<WorkflowRunDto> ShowAsync(ITurnContext context, RunRow run, IReadOnlyList<StepRow> steps, WorkflowDefinition? definition)
    {
        var costs = await context.Sql(WorkflowRunSql.StepCosts).With("run_id", run.Id).ListAsync(r => (
            Key: r.Get<string>("step_key"),
            Tasks: (IReadOnlyList<long>)r.Get<long[]>("task_ids"),
            Cost: r.Get<decimal>("cost")));
        var byKey = costs.ToDictionary(c => c.Key, StringComparer.Ordinal);
        var shown = steps.Select(s =>
        {
            var cost = byKey.GetValueOrDefault(s.Key);
            return new WorkflowRunStepDto(
                s.Key,
                s.Status,
                s.Attempt,
                s.TaskId,
                s.AgentId,
                s.Result is null ? null : JsonElement.Parse(s.Result.ToJsonString()),
                s.Error,
                cost.Cost,
                cost.Tasks ?? [],
                s.RetryAt,
                s.StartedAt,
                s.FinishedAt,
                definition?.Steps.FirstOrDefault(d => d.Id == s.Key)?.IsCompensation ?? false);
        }).ToList();
        return new WorkflowRunDto(
            run.Id,
            run.CompanyId,
            run.WorkflowId,
            run.WorkflowVersion,
            run.Status,
            JsonElement.Parse(run.Inputs.ToJsonString()),
            run.Error,
            shown.Sum(s => s.Cost),
            run.StartedBy,
            run.CreatedAt,
            run.UpdatedAt,
            run.FinishedAt,
            shown);
    }

    /// <summary>Tells a step's run that its task ended; nothing when the task is not a step of a run.</summary>
    public static async Task NotifyTaskEndedAsync(ITurnContext context, long companyId, long taskId, TaskState status)
    {
        var link = await context.Sql(WorkflowRunSql.StepOfTask).With("task_id", taskId).ListAsync(r => (
            RunId: r.Get<long>("run_id"), StepKey: r.Get<string>("step_key"), Attempt: r.Get<int>("attempt")));
        foreach (var (runId, stepKey, attempt) in link)
        {
            await context.PostAsync<IWorkflowRunGrain>(runId.ToString(CultureInfo.InvariantCulture), new WorkflowStepSettled(companyId, taskId, stepKey, attempt, status));
        }
    }
}
