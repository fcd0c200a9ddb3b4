namespace FluidManager.Knowledge.Triggers;

/// <summary>The statements of workflow triggers and their firing history.</summary>
internal static class WorkflowTriggersSql
{
    private const string Columns = "id, workflow_id, kind, name, enabled, replay_window_seconds, created_by, created_at, updated_at, "
        + "event_type, condition, target, inputs::text AS inputs, task_template::text AS task_template, last_error, last_error_at";

    public const string WorkflowExists = "SELECT EXISTS (SELECT 1 FROM workflows WHERE company_id = @company_id AND id = @id)";

    public const string ByWorkflow = "SELECT " + Columns + " FROM workflow_triggers WHERE company_id = @company_id AND workflow_id = @workflow_id ORDER BY id";

    public const string ByCompany = "SELECT " + Columns + " FROM workflow_triggers WHERE company_id = @company_id ORDER BY id";

    public const string AgentExists = "SELECT EXISTS (SELECT 1 FROM agents WHERE company_id = @company_id AND id = @id)";

    public const string InsertEvent = """
        INSERT INTO workflow_triggers (company_id, workflow_id, kind, name, enabled, event_type, condition, target, inputs, task_template, created_by, created_at, updated_at)
        VALUES (@company_id, @workflow_id, 'event', @name, @enabled, @event_type, @condition, @target, @inputs::jsonb, @task_template::jsonb, @actor, @now, @now)
        RETURNING id
        """;

    public const string UpdateEvent = """
        UPDATE workflow_triggers SET workflow_id = @workflow_id, name = @name, enabled = @enabled, event_type = @event_type, condition = @condition,
               target = @target, inputs = @inputs::jsonb, task_template = @task_template::jsonb, updated_at = @now
        WHERE company_id = @company_id AND id = @id AND kind = 'event'
        """;

    public const string Get = "SELECT " + Columns + " FROM workflow_triggers WHERE company_id = @company_id AND id = @id";

    public const string Insert = """
        INSERT INTO workflow_triggers (company_id, workflow_id, kind, name, secret, enabled, replay_window_seconds, created_by, created_at, updated_at)
        VALUES (@company_id, @workflow_id, 'webhook', @name, @secret, @enabled, @replay_window_seconds, @actor, @now, @now)
        RETURNING id
        """;

    public const string Update = """
        UPDATE workflow_triggers SET name = @name, enabled = @enabled, replay_window_seconds = @replay_window_seconds, updated_at = @now
        WHERE company_id = @company_id AND id = @id AND kind = 'webhook'
        """;

    public const string Delete = "DELETE FROM workflow_triggers WHERE company_id = @company_id AND id = @id";

    /// <summary>What an inbound delivery is checked against, by the trigger id alone (the caller has no session).</summary>
    public const string Hook = "SELECT company_id, workflow_id, secret, enabled, replay_window_seconds FROM workflow_triggers WHERE id = @id AND kind = 'webhook'";

    public const string InsertRejected = """
        INSERT INTO workflow_trigger_firings (company_id, trigger_id, delivery_id, outcome, error, created_at)
        VALUES (@company_id, @trigger_id, @delivery_id, 'rejected', @error, @now)
        """;

    public const string Firings = """
        SELECT id, trigger_id, delivery_id, outcome, run_id, error, created_at, event_position, event_type, task_id, depth, attempts FROM workflow_trigger_firings
        WHERE company_id = @company_id AND trigger_id = @trigger_id ORDER BY id DESC LIMIT @limit
        """;

    public const string Rotate = "UPDATE workflow_triggers SET secret = @secret, updated_at = @now WHERE company_id = @company_id AND id = @id AND kind = 'webhook'";

    /// <summary>The company's triggers for an export, with their workflow's name (never the secret).</summary>
    public const string ForExport = """
        SELECT w.name AS workflow, t.name, t.replay_window_seconds, t.kind, t.event_type, t.condition, t.target,
               t.inputs::text AS inputs, t.task_template::text AS task_template
        FROM workflow_triggers t LEFT JOIN workflows w ON w.company_id = t.company_id AND w.id = t.workflow_id
        WHERE t.company_id = @company_id ORDER BY t.id
        """;

    public const string Count = "SELECT count(*)::int FROM workflow_triggers WHERE company_id = @company_id";

    public const string WorkflowByName = "SELECT COALESCE((SELECT id FROM workflows WHERE company_id = @company_id AND lower(name) = lower(@name)), 0)";
}
