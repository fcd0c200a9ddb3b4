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

    /// <summary>Enabled triggers whose last firing failed to start its run or task (the error is cleared by the next firing that starts one).</summary>
    public const string FailingTriggers = """
        SELECT 'trigger_failing:trigger:' || t.id AS key, NULL::bigint AS task_id, 'Trigger failing: ' || t.name AS subject,
               t.last_error AS detail
        FROM workflow_triggers t
        WHERE t.company_id = @company_id AND t.enabled AND t.last_error IS NOT NULL
        """;

    /// <summary>Schedules whose latest run was skipped or failed.</summary>
    public const string FailingSchedules = """
        SELECT 'schedule_failing:schedule:' || s.id AS key, NULL::bigint AS task_id, 'Schedule failing: ' || s.name AS subject,
               COALESCE(r.reason, '') AS detail
        FROM schedules s
        JOIN LATERAL (SELECT outcome, reason FROM schedule_runs WHERE schedule_id = s.id ORDER BY id DESC LIMIT 1) r ON true
        WHERE s.company_id = @company_id AND r.outcome IN ('skipped', 'failed')
        """;

    /// <summary>
    /// Unreplayed dead letters of the company's grains: those whose message carries the company's id (every command
    /// does). The condition holds until the letter is replayed or removed.
    /// </summary>
    public const string DeadLetters = """
        SELECT 'dead_letter:dead_letter:' || d.id AS key, NULL::bigint AS task_id,
               'Message dead-lettered: ' || d.message_type || ' to ' || d.grain_type || ' ' || d.grain_key AS subject,
               'After ' || d.attempts || ' attempts: ' || d.error AS detail
        FROM runtime.dead_letters d
        WHERE d.replayed_at IS NULL AND d.payload ->> 'companyId' = @company_id::text
        """;

    /// <summary>
    /// Silos of this cluster that Orleans declared dead (status 6) on another silo's word. Whoever writes a silo's
    /// Dead status appends itself to the row's SuspectTimes ("address:port@generation,date|…"): a silo that stops
    /// names itself last, one the cluster evicted names its killer. A silo replaced by a later generation of the
    /// same name (a restart) is not lost. Clears when Orleans deletes the defunct row.
    /// </summary>
    public const string LostSilos = """
        SELECT 'silo_lost:silo:' || m.siloname || '@' || m.address || ':' || m.port || ':' || m.generation AS key, NULL::bigint AS task_id,
               'Silo lost: ' || m.siloname AS subject,
               'Declared dead by the cluster; it was started at ' || to_char(m.starttime AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                 || ' UTC and last said it was alive at ' || to_char(m.iamalivetime AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC.' AS detail
        FROM orleansmembershiptable m
        WHERE m.deploymentid = @cluster AND m.status = 6
          AND split_part(split_part(COALESCE(m.suspecttimes, ''), '|', -1), ',', 1) NOT IN ('', m.address || ':' || m.port || '@' || m.generation)
          AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable n
                          WHERE n.deploymentid = m.deploymentid AND n.siloname = m.siloname AND n.status = 3 AND n.starttime > m.starttime)
        """;

    // ---- fan-out of a fired alert ----

    /// <summary>The company's enabled webhooks subscribed to the kind (or to every kind with "*").</summary>
    public const string Subscribers = """
        SELECT id FROM webhooks
        WHERE company_id = @company_id AND enabled AND (@kind = ANY (events) OR '*' = ANY (events))
        ORDER BY id
        """;

    /// <summary>Whether the company has a mail server; asked only when the mail library (which owns the table) set <see cref="AlertOptions.EmailActivity"/>.</summary>
    public const string HasMailServer = "SELECT EXISTS (SELECT FROM company_email_settings WHERE company_id = @company_id)";

    public const string InsertDelivery = """
        INSERT INTO webhook_deliveries (company_id, webhook_id, activity_id, event_type, alert_id, payload, status, created_at)
        VALUES (@company_id, @webhook_id, @activity_id, @event_type, @alert_id, @payload::jsonb, 'pending', @now)
        RETURNING id
        """;

    /// <summary>
    /// The outcome of a delivery's last attempt; attempts, response code and duration were logged by the attempts
    /// themselves. A delivery its attempt already failed for good (a refused target) stays failed with its error.
    /// </summary>
    public const string FinishDelivery = """
        UPDATE webhook_deliveries
        SET status = CASE WHEN status = 'failed' THEN status WHEN @succeeded THEN 'delivered' ELSE 'failed' END,
            error = CASE WHEN status = 'failed' THEN error WHEN @succeeded THEN NULL ELSE COALESCE(@error, error) END,
            attempts = GREATEST(attempts, @attempts), finished_at = COALESCE(finished_at, @now)
        WHERE activity_id = @activity_id
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
