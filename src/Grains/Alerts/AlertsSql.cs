namespace FluidManager.Grains.Alerts;

/// <summary>The statements of alert rules, the conditions they watch and the alerts they raise.</summary>
internal static class AlertsSql
{
    public const string Companies = "SELECT id FROM companies ORDER BY id";

    public const string Rules = "SELECT kind, enabled, threshold_minutes FROM alert_rules WHERE company_id = @company_id";

    public const string UpsertRule = """
        INSERT INTO alert_rules (company_id, kind, enabled, threshold_minutes, updated_at, updated_by)
        VALUES (@company_id, @kind, @enabled, @threshold_minutes, @now, @actor)
        ON CONFLICT (company_id, kind) DO UPDATE SET enabled = EXCLUDED.enabled, threshold_minutes = EXCLUDED.threshold_minutes,
                                                    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
        """;

    // ---- conditions: key, task_id, subject, detail ----

    public const string FailedTasks = """
        SELECT 'task_failed:task:' || id AS key, id AS task_id, 'Task failed: ' || title AS subject, COALESCE(status_reason, '') AS detail
        FROM tasks WHERE company_id = @company_id AND status = 'failed'
        """;

    /// <summary>Open failed-task alerts whose task is neither done nor cancelled: a retry does not clear them.</summary>
    public const string FailedTasksStillOpen = """
        SELECT a.condition_key FROM alerts a JOIN tasks t ON t.id = a.task_id
        WHERE a.company_id = @company_id AND a.kind = 'task_failed' AND a.resolved_at IS NULL AND t.status NOT IN ('done', 'cancelled')
        """;

    public const string BlockedTasks = """
        SELECT 'task_blocked:task:' || id AS key, id AS task_id, 'Task blocked: ' || title AS subject, COALESCE(status_reason, '') AS detail
        FROM tasks WHERE company_id = @company_id AND status = 'blocked' AND updated_at <= @since
        """;

    /// <summary>Blocked tasks whatever how long: an open alert stays while its task is blocked.</summary>
    public const string BlockedTasksStillOpen = """
        SELECT a.condition_key FROM alerts a JOIN tasks t ON t.id = a.task_id
        WHERE a.company_id = @company_id AND a.kind = 'task_blocked' AND a.resolved_at IS NULL AND t.status = 'blocked'
        """;

    public const string WaitingApprovals = """
        SELECT 'approval_waiting:approval:' || ap.id AS key, ap.task_id, 'Approval waiting: ' || ap.action AS subject,
               'Requested by agent ' || ap.agent_id || ' at ' || to_char(ap.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' AS detail
        FROM approvals ap WHERE ap.company_id = @company_id AND ap.status = 'pending' AND ap.requested_at <= @since
        """;

    public const string WaitingApprovalsStillOpen = """
        SELECT a.condition_key FROM alerts a JOIN approvals ap ON 'approval_waiting:approval:' || ap.id = a.condition_key
        WHERE a.company_id = @company_id AND a.kind = 'approval_waiting' AND a.resolved_at IS NULL AND ap.status = 'pending'
        """;

    /// <summary>Schedules whose latest run was skipped.</summary>
    public const string FailingSchedules = """
        SELECT 'schedule_failing:schedule:' || s.id AS key, NULL::bigint AS task_id, 'Schedule failing: ' || s.name AS subject,
               COALESCE(r.reason, '') AS detail
        FROM schedules s
        JOIN LATERAL (SELECT outcome, reason FROM schedule_runs WHERE schedule_id = s.id ORDER BY id DESC LIMIT 1) r ON true
        WHERE s.company_id = @company_id AND r.outcome = 'skipped'
        """;

    // ---- alerts ----

    private const string Columns = "id, company_id, kind, condition_key, subject, detail, task_id, fired_at, resolved_at, read_at";

    public const string OpenKeys = "SELECT condition_key FROM alerts WHERE company_id = @company_id AND resolved_at IS NULL";

    public const string Fire = """
        INSERT INTO alerts (company_id, kind, condition_key, subject, detail, task_id, fired_at)
        VALUES (@company_id, @kind, @key, @subject, @detail, @task_id, @now)
        ON CONFLICT (company_id, condition_key) WHERE resolved_at IS NULL DO NOTHING
        RETURNING
        """ + " " + Columns;

    public const string Resolve = """
        UPDATE alerts SET resolved_at = @now
        WHERE company_id = @company_id AND resolved_at IS NULL AND NOT (condition_key = ANY (@holding))
        RETURNING
        """ + " " + Columns;

    public const string List = "SELECT " + Columns + """
         FROM alerts
        WHERE company_id = @company_id AND (NOT @unread OR read_at IS NULL) AND (@task_id::bigint IS NULL OR task_id = @task_id)
        ORDER BY id DESC LIMIT @limit
        """;

    public const string Count = """
        SELECT count(*) FILTER (WHERE read_at IS NULL) AS unread, count(*) FILTER (WHERE read_at IS NULL AND resolved_at IS NULL) AS unread_open
        FROM alerts WHERE company_id = @company_id
        """;

    public const string MarkRead = """
        UPDATE alerts SET read_at = @now, read_by = @actor
        WHERE company_id = @company_id AND read_at IS NULL AND (@id::bigint IS NULL OR id = @id)
        """;

    public const string Exists = "SELECT EXISTS (SELECT 1 FROM alerts WHERE company_id = @company_id AND id = @id)";
}
