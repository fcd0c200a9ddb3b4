namespace FluidManager.Grains.Triggers;

/// <summary>The statements of event triggers: their definition, their firings, the causation depth of events, and the dispatcher's cursor.</summary>
internal static class TriggersSql
{
    /// <summary>The event trigger by id alone (the firing's turn checks the company).</summary>
    public const string Definition = """
        SELECT id, company_id, workflow_id, name, enabled, event_type, condition, target, inputs::text AS inputs, task_template::text AS task_template
        FROM workflow_triggers WHERE id = @id AND kind = 'event'
        """;

    /// <summary>What an event already made of this trigger; uses workflow_trigger_firings_event_uq.</summary>
    public const string FiringOfEvent = """
        SELECT outcome, run_id, task_id, error, depth FROM workflow_trigger_firings WHERE trigger_id = @trigger_id AND event_position = @event_position
        """;

    public const string InsertFiring = """
        INSERT INTO workflow_trigger_firings (company_id, trigger_id, delivery_id, outcome, run_id, task_id, error, event_position, event_type, depth, attempts, created_at)
        VALUES (@company_id, @trigger_id, 'event:' || @event_position, @outcome, @run_id, @task_id, @error, @event_position, @event_type, @depth, @attempts, @now)
        """;

    /// <summary>The trigger's started firings of the last minute; uses workflow_trigger_firings_recent_ix.</summary>
    public const string RecentStarts = """
        SELECT count(*)::int FROM workflow_trigger_firings WHERE trigger_id = @trigger_id AND outcome = 'started' AND created_at > @since
        """;

    public const string SetError = "UPDATE workflow_triggers SET last_error = @error, last_error_at = @now WHERE id = @id";

    public const string ClearError = "UPDATE workflow_triggers SET last_error = NULL, last_error_at = NULL WHERE id = @id AND last_error IS NOT NULL";

    public const string SetTaskDepth = "UPDATE tasks SET trigger_depth = @depth WHERE company_id = @company_id AND id = @task_id";

    /// <summary>
    /// How many trigger firings led to a task: the deepest of the task, its ancestors and the workflow runs whose steps
    /// they are (a step's task inherits its run's depth, a subtask its parent's).
    /// </summary>
    public const string TaskDepth = """
        WITH RECURSIVE chain (id, parent_task_id, trigger_depth) AS (
            SELECT id, parent_task_id, trigger_depth FROM tasks WHERE company_id = @company_id AND id = @id
            UNION ALL
            SELECT t.id, t.parent_task_id, t.trigger_depth FROM tasks t JOIN chain c ON t.id = c.parent_task_id WHERE t.company_id = @company_id
        )
        SELECT GREATEST(
            COALESCE((SELECT max(trigger_depth) FROM chain), 0),
            COALESCE((SELECT max(r.trigger_depth) FROM chain c JOIN workflow_step_tasks s ON s.task_id = c.id
                      JOIN workflow_runs r ON r.company_id = s.company_id AND r.id = s.run_id), 0))
        """;

    public const string RunDepth = "SELECT COALESCE((SELECT trigger_depth FROM workflow_runs WHERE company_id = @company_id AND id = @id), 0)";

    public const string TaskOfCompany = "SELECT EXISTS (SELECT 1 FROM tasks WHERE company_id = @company_id AND id = @id)";

    public const string AgentOfCompany = "SELECT EXISTS (SELECT 1 FROM agents WHERE company_id = @company_id AND id = @id)";

    // ---- the dispatcher

    public const string Cursor = "SELECT position FROM event_trigger_cursor WHERE id = 1";

    /// <summary>The first reader starts at the log's commit-safe tail: events before event triggers existed fire nothing.</summary>
    public const string StartCursor = """
        INSERT INTO event_trigger_cursor (id, position, updated_at)
        SELECT 1, LEAST(COALESCE(max(position), 0), (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20) - 1), now()
        FROM runtime.events
        ON CONFLICT (id) DO NOTHING
        """;

    public const string AdvanceCursor = "UPDATE event_trigger_cursor SET position = GREATEST(position, @position), updated_at = now() WHERE id = 1";

    /// <summary>Every enabled event trigger, by company and event type; uses workflow_triggers_event_ix.</summary>
    public const string EnabledEventTriggers = """
        SELECT id, company_id, event_type FROM workflow_triggers WHERE kind = 'event' AND enabled ORDER BY id
        """;
}
