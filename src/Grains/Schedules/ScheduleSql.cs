namespace FluidManager.Grains.Schedules;

/// <summary>The statements over schedules and their runs.</summary>
internal static class ScheduleSql
{
    /// <summary>A schedule with its next firing (from its reminder) and its run statistics.</summary>
    public const string Select = """
        SELECT s.id, s.company_id, s.name, s.agent_id, s.template::text AS template, s.interval_minutes, s.cron, s.time_zone,
               s.status, s.version, s.created_at, s.workflow_id, s.workflow_inputs::text AS workflow_inputs, r.due_at AS next_run_at,
               (SELECT max(fired_at) FROM schedule_runs x WHERE x.schedule_id = s.id) AS last_run_at,
               (SELECT count(*)::int FROM schedule_runs x WHERE x.schedule_id = s.id) AS run_count
        FROM schedules s
        LEFT JOIN runtime.reminders r ON r.grain_type = 'schedule' AND r.grain_key = s.id::text AND r.name = 'fire'
        """;

    public const string ById = Select + " WHERE s.id = @id AND s.company_id = @company_id";

    /// <summary>For the reminder's turn, which knows only the grain key.</summary>
    public const string ByIdAnyCompany = Select + " WHERE s.id = @id";

    public const string ByCompany = Select + " WHERE s.company_id = @company_id ORDER BY s.id";

    public const string Insert = """
        INSERT INTO schedules (company_id, name, agent_id, template, interval_minutes, cron, time_zone, status, workflow_id, workflow_inputs, created_at, updated_at)
        VALUES (@company_id, @name, @agent_id, @template, @interval_minutes, @cron, @time_zone, @status, @workflow_id, @workflow_inputs::jsonb, @now, @now)
        RETURNING id
        """;

    public const string Update = """
        UPDATE schedules SET name = @name, agent_id = @agent_id, template = @template, interval_minutes = @interval_minutes,
               cron = @cron, time_zone = @time_zone, workflow_id = @workflow_id, workflow_inputs = @workflow_inputs::jsonb,
               version = version + 1, updated_at = @now
        WHERE id = @id AND company_id = @company_id
        """;

    public const string SetStatus = "UPDATE schedules SET status = @status, version = version + 1, updated_at = @now WHERE id = @id AND company_id = @company_id";

    public const string Delete = "DELETE FROM schedules WHERE id = @id AND company_id = @company_id";

    public const string AgentStatus = "SELECT status FROM agents WHERE id = @agent_id AND company_id = @company_id";

    public const string InsertRun = """
        INSERT INTO schedule_runs (company_id, schedule_id, due_at, fired_at, task_id, run_id, outcome, reason)
        VALUES (@company_id, @schedule_id, @due_at, @fired_at, @task_id, @run_id, @outcome, @reason)
        RETURNING id
        """;

    public const string Runs = """
        SELECT r.id, r.schedule_id, r.due_at, r.fired_at, r.task_id, t.status AS task_status, r.outcome, r.reason, r.run_id
        FROM schedule_runs r LEFT JOIN tasks t ON t.id = r.task_id
        WHERE r.schedule_id = @id AND r.company_id = @company_id
        ORDER BY r.id DESC LIMIT @limit
        """;

    /// <summary>Whether the company has a mailbox; asked only when the mail library (which owns the table) set <see cref="MailboxCheckOptions.Activity"/>.</summary>
    public const string HasMailbox = "SELECT EXISTS (SELECT FROM company_imap_settings WHERE company_id = @company_id)";

    public const string InsertMailboxRun = """
        INSERT INTO schedule_runs (company_id, schedule_id, due_at, fired_at, outcome, reason, activity_id)
        VALUES (@company_id, @schedule_id, @due_at, @fired_at, 'started', 'checking the mailbox', @activity_id)
        """;

    public const string MailboxRun = "SELECT id, company_id FROM schedule_runs WHERE activity_id = @activity_id AND schedule_id = @schedule_id AND outcome = 'started'";

    public const string FinishMailboxRun = "UPDATE schedule_runs SET outcome = @outcome, task_id = @task_id, reason = @reason WHERE id = @id";
}
