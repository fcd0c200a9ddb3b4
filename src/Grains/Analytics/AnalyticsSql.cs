namespace FluidManager.Grains.Analytics;

/// <summary>The analytics report: the views of migration 0371 grouped by agent, department, project or UTC day.</summary>
internal static class AnalyticsSql
{
    /// <summary>The group of a view row (alias s) for the report's grouping (@group).</summary>
    private const string Key = """
        CASE @group WHEN 'agent' THEN COALESCE(s.agent_id::text, '') WHEN 'department' THEN s.department
                    WHEN 'project' THEN s.project ELSE s.day::text END
        """;

    private const string InRange = "s.company_id = @company_id AND (@from::date IS NULL OR s.day >= @from) AND (@to::date IS NULL OR s.day <= @to)";

    public const string Report = $"""
        WITH tasks_by AS (
          SELECT {Key} AS key,
                 count(*)::bigint AS finished,
                 (count(*) FILTER (WHERE s.status = 'done'))::bigint AS done,
                 (count(*) FILTER (WHERE s.status = 'failed'))::bigint AS failed,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY s.time_to_finish_ms) FILTER (WHERE s.status = 'done') AS done_p50,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY s.time_to_finish_ms) FILTER (WHERE s.status = 'done') AS done_p95,
                 sum(s.retries)::bigint AS retries
          FROM task_outcomes s WHERE {InRange} GROUP BY 1),
        approvals_by AS (
          SELECT {Key} AS key, count(*)::bigint AS decided, avg(s.wait_ms)::float8 AS wait_avg,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY s.wait_ms) AS wait_p95
          FROM approval_waits s WHERE {InRange} GROUP BY 1),
        calls_by AS (
          SELECT {Key} AS key, count(*)::bigint AS calls,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY s.duration_ms) AS latency_p50,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY s.duration_ms) AS latency_p95
          FROM model_latencies s WHERE {InRange} GROUP BY 1),
        keys AS (SELECT key FROM tasks_by UNION SELECT key FROM approvals_by UNION SELECT key FROM calls_by)
        SELECT k.key,
               CASE WHEN @group = 'agent' AND a.id IS NOT NULL THEN a.first_name || ' ' || a.last_name || ' (' || a.role || ')'
                    WHEN @group = 'agent' AND k.key <> '' THEN 'agent ' || k.key
                    WHEN k.key = '' THEN '(none)' ELSE k.key END AS label,
               COALESCE(t.finished, 0) AS finished, COALESCE(t.done, 0) AS done, COALESCE(t.failed, 0) AS failed,
               CASE WHEN COALESCE(t.finished, 0) = 0 THEN NULL ELSE t.failed::float8 / t.finished END AS failure_rate,
               t.done_p50, t.done_p95, COALESCE(t.retries, 0) AS retries,
               COALESCE(w.decided, 0) AS decided, w.wait_avg, w.wait_p95,
               COALESCE(c.calls, 0) AS calls, c.latency_p50, c.latency_p95
        FROM keys k
        LEFT JOIN tasks_by t ON t.key = k.key
        LEFT JOIN approvals_by w ON w.key = k.key
        LEFT JOIN calls_by c ON c.key = k.key
        LEFT JOIN agents a ON @group = 'agent' AND a.company_id = @company_id AND a.id::text = k.key
        ORDER BY k.key
        """;
}
