using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Models;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;
using Npgsql;

namespace FluidManager.Grains.Work;

/// <summary>A task's loop as its runner holds it during a turn: the task_runs row, read and written whole.</summary>
internal sealed class RunState
{
    public required long TaskId { get; init; }

    public required long CompanyId { get; init; }

    public required long AgentId { get; set; }

    public required int Attempt { get; set; }

    public int Step { get; set; }

    public TaskRunStatus Status { get; set; } = TaskRunStatus.Idle;

    public required string Model { get; set; }

    public Guid? ActivityId { get; set; }

    public List<ChatMessage> Conversation { get; set; } = [];

    /// <summary>Messages to append once every tool call of the last answer has its result.</summary>
    public List<ChatMessage> Notes { get; set; } = [];

    /// <summary>Objects stored by the last model call's activity, by tool call id (create_artifact content).</summary>
    public Dictionary<string, StoredObject> Artifacts { get; set; } = [];

    public string? PendingResult { get; set; }

    /// <summary>The last approval request of the task whose decision is in the conversation (or the notes).</summary>
    public long NotedApprovalId { get; set; }

    public string? WaitingFor { get; set; }

    public string? StopReason { get; set; }

    public int TextAnswers { get; set; }

    public required DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsActive => Status != TaskRunStatus.Stopped;

    /// <summary>The tool calls of the last assistant message that have no result yet, in order.</summary>
    public IReadOnlyList<FunctionCallContent> UnansweredCalls()
    {
        var last = Conversation.FindLastIndex(m => m.Role == ChatRole.Assistant);
        if (last < 0 || Conversation[last].ToolCalls.Count == 0)
        {
            return [];
        }

        var answered = Conversation.Skip(last + 1).Where(m => m.Role == ChatRole.Tool).Select(m => m.ToolCallId).ToHashSet(StringComparer.Ordinal);
        return Conversation[last].ToolCalls.Where(c => !answered.Contains(c.CallId)).ToList();
    }

    public TaskRunDto ToDto() =>
        new(TaskId, CompanyId, AgentId, Attempt, Step, Status, Model, ActivityId, WaitingFor, StopReason, Conversation.Count, StartedAt, UpdatedAt);

    public static async Task<RunState?> FindAsync(ITurnContext context, long taskId) =>
        await context.Sql(WorkSql.RunByTask).With("task_id", taskId).FirstOrDefaultAsync(Map);

    public async Task SaveAsync(ITurnContext context)
    {
        UpdatedAt = context.Now;
        await context.Sql(WorkSql.UpsertRun)
            .With("task_id", TaskId)
            .With("company_id", CompanyId)
            .With("agent_id", AgentId)
            .With("attempt", Attempt)
            .With("step", Step)
            .With<TaskRunStatus>("status", Status)
            .With("model", Model)
            .WithGuid("activity_id", ActivityId)
            .WithJson("conversation", Conversation)
            .WithJson("notes", Notes)
            .WithJson("artifacts", Artifacts)
            .With("pending_result", PendingResult)
            .With("noted_approval_id", NotedApprovalId)
            .With("waiting_for", WaitingFor)
            .With("stop_reason", StopReason)
            .With("text_answers", TextAnswers)
            .With("started_at", StartedAt)
            .With("now", context.Now)
            .ExecuteAsync();
    }

    private static RunState Map(NpgsqlDataReader r) => new()
    {
        TaskId = r.Get<long>("task_id"),
        CompanyId = r.Get<long>("company_id"),
        AgentId = r.Get<long>("agent_id"),
        Attempt = r.Get<int>("attempt"),
        Step = r.Get<int>("step"),
        Status = r.GetEnum<TaskRunStatus>("status"),
        Model = r.Get<string>("model"),
        ActivityId = r.GetOrNull<Guid>("activity_id"),
        Conversation = Json<List<ChatMessage>>(r.Get<string>("conversation")) ?? [],
        Notes = Json<List<ChatMessage>>(r.Get<string>("notes")) ?? [],
        Artifacts = Json<Dictionary<string, StoredObject>>(r.Get<string>("artifacts")) ?? [],
        PendingResult = r.GetStringOrNull("pending_result"),
        NotedApprovalId = r.Get<long>("noted_approval_id"),
        WaitingFor = r.GetStringOrNull("waiting_for"),
        StopReason = r.GetStringOrNull("stop_reason"),
        TextAnswers = r.Get<int>("text_answers"),
        StartedAt = r.Get<DateTimeOffset>("started_at"),
        UpdatedAt = r.Get<DateTimeOffset>("updated_at"),
    };

    private static T? Json<T>(string text) => JsonSerializer.Deserialize<T>(text, RuntimeJson.Options);
}
