namespace FluidManager.Grains.Memory;

/// <summary>The statements of an agent's progress page.</summary>
internal static class ProgressSql
{
    /// <summary>Tasks of the agent finished in the window, by day, with the cost of their model calls.</summary>
    public const string Daily = """
        WITH finished AS (
          SELECT t.finished_at::date AS day, t.status,
                 coalesce((SELECT sum(l.cost) FROM llm_calls l WHERE l.task_id = t.id), 0) AS cost
          FROM tasks t
          WHERE t.company_id = @company_id AND t.assignee_agent_id = @agent_id AND t.status IN ('done', 'failed') AND t.finished_at >= @since)
        SELECT d.day::date AS day,
               count(f.status) FILTER (WHERE f.status = 'done')::int AS done,
               count(f.status) FILTER (WHERE f.status = 'failed')::int AS failed,
               coalesce(sum(f.cost), 0)::numeric AS cost
        FROM generate_series(@since::date, @now::date, interval '1 day') AS d (day)
        LEFT JOIN finished f ON f.day = d.day::date
        GROUP BY d.day
        ORDER BY d.day
        """;

    public const string OpenTasks = """
        SELECT count(*)::int FROM tasks
        WHERE company_id = @company_id AND assignee_agent_id = @agent_id AND status NOT IN ('done', 'failed', 'cancelled')
        """;

    /// <summary>The agent's worklog across its tasks, newest first.</summary>
    public const string Worklog = """
        SELECT w.id, w.task_id, t.title, w.body, w.created_at
        FROM worklog w
        LEFT JOIN tasks t ON t.id = w.task_id
        WHERE w.company_id = @company_id AND w.agent_id = @agent_id
        ORDER BY w.id DESC
        LIMIT @limit
        """;

    /// <summary>Live items by kind, and the forgotten ones.</summary>
    public const string MemoryCounts = """
        SELECT CASE WHEN forgotten_at IS NOT NULL THEN 'forgotten' ELSE kind END AS kind, count(*)::int AS n
        FROM agent_memory
        WHERE company_id = @company_id AND agent_id = @agent_id AND (forgotten_at IS NOT NULL OR valid_to IS NULL OR valid_to > @now)
        GROUP BY 1
        """;

    public const string PendingChanges = "SELECT count(*)::int FROM agent_playbook_changes WHERE company_id = @company_id AND agent_id = @agent_id AND status = 'proposed'";
}
