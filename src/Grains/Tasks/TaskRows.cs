using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Tasks;

/// <summary>Reads tasks, comments and worklog entries into their DTOs.</summary>
internal static class TaskRows
{
    public static async Task<TaskDto?> FindAsync(ITurnContext context, long companyId, long taskId) =>
        await context.Sql(TaskSql.ById).With("id", taskId).With("company_id", companyId).FirstOrDefaultAsync(Map);

    /// <summary>The task, or <see cref="NotFoundException"/> when it does not exist in this company.</summary>
    public static async Task<TaskDto> LoadAsync(ITurnContext context, long companyId, long taskId) =>
        await FindAsync(context, companyId, taskId) ?? throw new NotFoundException("Task", taskId);

    public static TaskDto Map(NpgsqlDataReader r)
    {
        var task = MapRow(r);
        return task with { AllowedActions = TaskStateMachine.AllowedActions(task.Status, task.AssigneeAgentId is not null, task.AttemptCount < task.MaxAttempts) };
    }

    private static TaskDto MapRow(NpgsqlDataReader r) => new()
    {
        Id = r.Get<long>("id"),
        CompanyId = r.Get<long>("company_id"),
        Title = r.Get<string>("title"),
        Description = r.Get<string>("description"),
        Project = r.GetStringOrNull("project"),
        Status = r.GetEnum<TaskState>("status"),
        AssigneeAgentId = r.GetOrNull<long>("assignee_agent_id"),
        CreatedBy = r.Get<string>("created_by"),
        ParentTaskId = r.GetOrNull<long>("parent_task_id"),
        FailurePolicy = r.GetEnum<SubtaskFailurePolicy>("failure_policy"),
        Priority = r.GetEnum<TaskPriority>("priority"),
        ScheduledAt = r.GetOrNull<DateTimeOffset>("scheduled_at"),
        DeadlineAt = r.GetOrNull<DateTimeOffset>("deadline_at"),
        AttemptCount = r.Get<int>("attempt_count"),
        MaxAttempts = r.Get<int>("max_attempts"),
        TokensUsed = r.Get<long>("tokens_used"),
        CostEstimate = r.Get<decimal>("cost_estimate"),
        DurationMs = r.Get<long>("duration_ms"),
        StartedAt = r.GetOrNull<DateTimeOffset>("started_at"),
        FinishedAt = r.GetOrNull<DateTimeOffset>("finished_at"),
        Result = r.GetStringOrNull("result"),
        StatusReason = r.GetStringOrNull("status_reason"),
        Subtasks = new SubtaskProgress(
            r.Get<int>("sub_total"), r.Get<int>("sub_queued"), r.Get<int>("sub_running"), r.Get<int>("sub_paused"),
            r.Get<int>("sub_blocked"), r.Get<int>("sub_awaiting"), r.Get<int>("sub_failed"), r.Get<int>("sub_done"),
            r.Get<int>("sub_cancelled")),
        Version = r.Get<long>("version"),
        CreatedAt = r.Get<DateTimeOffset>("created_at"),
        UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
    };

    public static CommentDto MapComment(NpgsqlDataReader r) =>
        new(r.Get<long>("id"), r.Get<long>("task_id"), r.Get<string>("author"), r.Get<string>("body"), r.Get<DateTimeOffset>("created_at"));

    public static WorklogEntryDto MapWorklog(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.GetOrNull<long>("task_id"),
        r.GetOrNull<long>("agent_id"),
        r.GetEnum<WorklogVisibility>("visibility"),
        r.Get<string>("body"),
        r.GetStringOrNull("step_key"),
        r.Get<DateTimeOffset>("created_at"));
}
