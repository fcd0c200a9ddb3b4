using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Work;

/// <summary>
/// The start gate of an agent's queue. An agent runs at most <c>max_concurrent_tasks</c> of its tasks at
/// once (a task waiting for its subtasks holds no slot); its queued tasks start in priority order
/// (urgent, high, normal, low), then oldest first. A runner asks <see cref="MayStartAsync"/> before it
/// starts a queued task, and confirms the start with <see cref="ConfirmStartAsync"/> under a
/// transaction-scoped lock per agent, so that two runners never take the last slot together; when a
/// slot frees (a run stops, parks or waits for subtasks, or the limit rises), <see cref="WakeAsync"/>
/// tells the runners at the head of the queue.
/// </summary>
internal static class AgentSlots
{
    /// <summary>What a run waits for while the agent's slots are taken by tasks at least as urgent.</summary>
    public const string WaitingForSlot = "slot";

    /// <summary>The agent's limits, with its tasks that hold a slot now (the given task aside).</summary>
    private const string Load = """
        SELECT a.max_concurrent_tasks, a.attempt_timeout_seconds,
               (SELECT count(*)::int FROM tasks t LEFT JOIN task_runs r ON r.task_id = t.id
                 WHERE t.assignee_agent_id = a.id AND t.status = 'running' AND t.id <> @task_id
                   AND r.waiting_for IS DISTINCT FROM 'subtasks') AS busy
        FROM agents a WHERE a.id = @agent_id AND a.company_id = @company_id
        """;

    /// <summary>Rank of a priority: higher starts first.</summary>
    private const string Rank = "CASE {0}.priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END";

    /// <summary>The agent's scheduling limits alone.</summary>
    private const string LimitsOf = "SELECT max_concurrent_tasks, attempt_timeout_seconds FROM agents WHERE id = @agent_id AND company_id = @company_id";

    /// <summary>The agent's limits, its tasks that hold a slot now, and its queued tasks due now that start before the given task.</summary>
    private static readonly string Gate = string.Format(CultureInfo.InvariantCulture, """
        SELECT a.max_concurrent_tasks, a.attempt_timeout_seconds,
               (SELECT count(*)::int FROM tasks t LEFT JOIN task_runs r ON r.task_id = t.id
                 WHERE t.assignee_agent_id = a.id AND t.status = 'running' AND t.id <> @task_id
                   AND r.waiting_for IS DISTINCT FROM 'subtasks') AS busy,
               (SELECT count(*)::int FROM tasks t, tasks me
                 WHERE me.id = @task_id AND t.assignee_agent_id = a.id AND t.company_id = a.company_id AND t.status = 'queued'
                   AND t.id <> me.id AND (t.scheduled_at IS NULL OR t.scheduled_at <= @now)
                   AND ({0} > {1} OR ({0} = {1} AND (t.created_at, t.id) < (me.created_at, me.id)))) AS ahead
        FROM agents a WHERE a.id = @agent_id AND a.company_id = @company_id
        """, string.Format(CultureInfo.InvariantCulture, Rank, "t"), string.Format(CultureInfo.InvariantCulture, Rank, "me"));

    /// <summary>The head of the agent's queue: queued tasks due now, in start order.</summary>
    private static readonly string Head = string.Format(CultureInfo.InvariantCulture, """
        SELECT t.id FROM tasks t
        WHERE t.assignee_agent_id = @agent_id AND t.company_id = @company_id AND t.status = 'queued'
          AND (t.scheduled_at IS NULL OR t.scheduled_at <= @now)
        ORDER BY {0} DESC, t.created_at, t.id
        LIMIT @limit
        """, string.Format(CultureInfo.InvariantCulture, Rank, "t"));

    /// <summary>Serialises the start decisions of one agent's runners until the turn's transaction ends.</summary>
    private const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended('fluid.agent_slots.' || @agent_id::text, 0))";

    /// <summary>The agent's scheduling limits.</summary>
    public sealed record Limits(int MaxConcurrent, TimeSpan? AttemptTimeout);

    /// <summary>The agent's scheduling limits, or null when it does not exist in the company.</summary>
    public static async Task<Limits?> LimitsAsync(ITurnContext context, long companyId, long agentId) =>
        await context.Sql(LimitsOf).With("agent_id", agentId).With("company_id", companyId).FirstOrDefaultAsync(ReadLimits);

    /// <summary>
    /// The agent's limits if <paramref name="taskId"/> may start now, or null: a slot is free for it once the
    /// tasks ahead of it in the queue have theirs. Read without the agent's lock: a no stands (the turn that
    /// frees a slot wakes the head of the queue after its commit), a yes is confirmed by <see cref="ConfirmStartAsync"/>.
    /// </summary>
    public static Task<Limits?> MayStartAsync(ITurnContext context, long companyId, long agentId, long taskId) =>
        CheckGateAsync(context, companyId, agentId, taskId, locked: false);

    /// <summary>
    /// Confirms, under the agent's lock taken for the rest of the turn, that <paramref name="taskId"/>, which
    /// the turn has just started, still has its slot: two runners never take the last one together. The lock
    /// and the check go in one round trip, and the turn should commit right after, since the agent's other
    /// runners wait for the lock.
    /// </summary>
    public static async Task<bool> ConfirmStartAsync(ITurnContext context, long companyId, long agentId, long taskId) =>
        await CheckGateAsync(context, companyId, agentId, taskId, locked: true) is not null;

    /// <summary>The agent's limits when a slot is free for the task, or null.</summary>
    private static async Task<Limits?> CheckGateAsync(ITurnContext context, long companyId, long agentId, long taskId, bool locked)
    {
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
        if (locked)
        {
            // Its own statement, so that the check after it reads what the lock's previous holder committed.
            var lockAgent = new NpgsqlBatchCommand(Lock);
            lockAgent.Parameters.AddWithValue("agent_id", agentId);
            batch.BatchCommands.Add(lockAgent);
        }

        var gate = new NpgsqlBatchCommand(Gate);
        gate.Parameters.AddWithValue("task_id", taskId);
        gate.Parameters.AddWithValue("agent_id", agentId);
        gate.Parameters.AddWithValue("company_id", companyId);
        gate.Parameters.AddWithValue("now", context.Now);
        batch.BatchCommands.Add(gate);
        await using var reader = await batch.ExecuteReaderAsync();
        if (locked)
        {
            await reader.NextResultAsync();
        }

        if (!await reader.ReadAsync())
        {
            return null;
        }

        var limits = ReadLimits(reader);
        return reader.Get<int>("busy") + reader.Get<int>("ahead") < limits.MaxConcurrent ? limits : null;
    }

    /// <summary>Tells the runners at the head of the agent's queue that a slot may be free (each checks the gate itself).</summary>
    public static async Task WakeAsync(ITurnContext context, long companyId, long agentId, string reason)
    {
        if (await LoadAsync(context, companyId, agentId, taskId: 0) is not { } load)
        {
            return;
        }

        var free = load.Limits.MaxConcurrent - load.Busy;
        if (free <= 0)
        {
            return;
        }

        var head = await context.Sql(Head).With("agent_id", agentId).With("company_id", companyId).With("now", context.Now).With("limit", free)
            .ListAsync(r => r.GetInt64(0));
        foreach (var taskId in head)
        {
            await context.PostAsync<ITaskRunnerGrain>(taskId.ToString(CultureInfo.InvariantCulture),
                new TaskRunSignal(companyId, taskId, TaskState.Queued, TaskState.Queued, TaskAction.Start, reason));
        }
    }

    private sealed record LoadRow(Limits Limits, int Busy);

    private static async Task<LoadRow?> LoadAsync(ITurnContext context, long companyId, long agentId, long taskId) =>
        await context.Sql(Load).With("agent_id", agentId).With("company_id", companyId).With("task_id", taskId).FirstOrDefaultAsync(r => new LoadRow(
            ReadLimits(r), r.Get<int>("busy")));

    private static Limits ReadLimits(NpgsqlDataReader row) =>
        new(row.Get<int>("max_concurrent_tasks"), row.GetOrNull<int>("attempt_timeout_seconds") is { } s ? TimeSpan.FromSeconds(s) : null);
}
