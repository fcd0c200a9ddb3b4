namespace FluidManager.Grains.Tasks;

/// <summary>The statements over tasks, comments and worklog.</summary>
internal static class TaskSql
{
    /// <summary>A task with its subtasks' progress (fan-in), as read by every query that returns a TaskDto.</summary>
    public const string Select = """
        SELECT t.id, t.company_id, t.title, t.description, t.project, t.status, t.assignee_agent_id, t.created_by,
               t.parent_task_id, t.failure_policy, t.priority, t.scheduled_at, t.deadline_at, t.attempt_count,
               t.max_attempts, t.tokens_used, t.cost_estimate, t.duration_ms, t.started_at, t.finished_at, t.result,
               t.status_reason, t.version, t.created_at, t.updated_at,
               p.total AS sub_total, p.queued AS sub_queued, p.running AS sub_running, p.paused AS sub_paused,
               p.blocked AS sub_blocked, p.awaiting AS sub_awaiting, p.failed AS sub_failed, p.done AS sub_done,
               p.cancelled AS sub_cancelled
        FROM tasks t
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS total,
                 (count(*) FILTER (WHERE c.status = 'queued'))::int AS queued,
                 (count(*) FILTER (WHERE c.status = 'running'))::int AS running,
                 (count(*) FILTER (WHERE c.status = 'paused'))::int AS paused,
                 (count(*) FILTER (WHERE c.status = 'blocked'))::int AS blocked,
                 (count(*) FILTER (WHERE c.status = 'awaiting_approval'))::int AS awaiting,
                 (count(*) FILTER (WHERE c.status = 'failed'))::int AS failed,
                 (count(*) FILTER (WHERE c.status = 'done'))::int AS done,
                 (count(*) FILTER (WHERE c.status = 'cancelled'))::int AS cancelled
          FROM tasks c WHERE c.parent_task_id = t.id) p
        """;

    public const string ById = Select + " WHERE t.id = @id AND t.company_id = @company_id AND t.deleted_at IS NULL";

    /// <summary>The task whatever its company: what its grain keeps in memory, checked against the caller's company on every read.</summary>
    public const string ByKey = Select + " WHERE t.id = @id AND t.deleted_at IS NULL";

    public const string Subtasks = Select + " WHERE t.parent_task_id = @id AND t.company_id = @company_id AND t.deleted_at IS NULL ORDER BY t.id";

    public const string SetText = """
        UPDATE tasks SET title = @title, description = @description, version = version + 1, updated_at = @now
        WHERE id = @id AND company_id = @company_id
        """;

    /// <summary>A soft delete: the row stays for the cost views and the event log, every read of tasks skips it.</summary>
    public const string Delete = """
        UPDATE tasks SET deleted_at = @now, deleted_by = @actor, version = version + 1, updated_at = @now
        WHERE id = @id AND company_id = @company_id AND deleted_at IS NULL
        """;

    public const string OpenSubtaskIds = """
        SELECT id FROM tasks WHERE parent_task_id = @id AND status NOT IN ('done', 'cancelled') ORDER BY id
        """;

    public const string List = Select + """

        WHERE t.company_id = @company_id AND t.deleted_at IS NULL
          AND (@status::text IS NULL OR t.status = @status)
          AND (@assignee::bigint IS NULL OR t.assignee_agent_id = @assignee)
          AND (@parent::bigint IS NULL OR t.parent_task_id = @parent)
          AND (@project::text IS NULL OR t.project = @project)
          AND (@priority::text IS NULL OR t.priority = @priority)
          AND (@deadline_from::timestamptz IS NULL OR t.deadline_at >= @deadline_from)
          AND (@deadline_to::timestamptz IS NULL OR t.deadline_at <= @deadline_to)
          AND (@text::text IS NULL OR t.title ILIKE @text OR t.description ILIKE @text)
          AND t.id > @after
        ORDER BY t.id
        LIMIT @limit
        """;

    public const string OpenForAgent = Select + """

        WHERE t.assignee_agent_id = @agent_id AND t.company_id = @company_id AND t.status NOT IN ('done', 'cancelled')
        ORDER BY t.id
        """;

    public const string Insert = """
        INSERT INTO tasks (company_id, title, description, project, status, created_by, parent_task_id, failure_policy,
                           priority, scheduled_at, deadline_at, max_attempts, cost_estimate, created_at, updated_at)
        VALUES (@company_id, @title, @description, @project, 'queued', @created_by, @parent_task_id, @failure_policy,
                @priority, @scheduled_at, @deadline_at, @max_attempts, @cost_estimate, @now, @now)
        RETURNING id
        """;

    /// <summary>
    /// Moves a task to a new status: running time is added up when it leaves "running", the attempt
    /// count rises when a new attempt begins (<see cref="TaskStateMachine.BeginsAttempt"/>: the first start or a
    /// retry), finish time is set on failed/done/cancelled and cleared when it is queued again.
    /// </summary>
    public const string Transition = """
        UPDATE tasks SET
          status = @to,
          assignee_agent_id = COALESCE(@assignee, assignee_agent_id),
          status_reason = @reason,
          result = COALESCE(@result, result),
          attempt_count = attempt_count + CASE WHEN @begins_attempt THEN 1 ELSE 0 END,
          duration_ms = duration_ms + CASE WHEN running_since IS NOT NULL AND @to <> 'running'
                                           THEN GREATEST(0, (extract(epoch FROM (@now - running_since)) * 1000)::bigint) ELSE 0 END,
          running_since = CASE WHEN @to = 'running' THEN COALESCE(running_since, @now) END,
          started_at = CASE WHEN @to = 'running' THEN COALESCE(started_at, @now) ELSE started_at END,
          finished_at = CASE WHEN @to IN ('done', 'failed', 'cancelled') THEN @now
                             WHEN @to = 'queued' THEN NULL ELSE finished_at END,
          version = version + 1,
          updated_at = @now
        WHERE id = @id
        """;

    public const string SetPriority = "UPDATE tasks SET priority = @priority, version = version + 1, updated_at = @now WHERE id = @id";

    public const string SetDeadline = "UPDATE tasks SET deadline_at = @deadline_at, version = version + 1, updated_at = @now WHERE id = @id";

    /// <summary>Usage counters only add up, so they do not bump the version (no lost update is possible).</summary>
    public const string AddUsage = """
        UPDATE tasks SET tokens_used = tokens_used + @tokens, cost_estimate = cost_estimate + @cost, updated_at = @now
        WHERE id = @id AND company_id = @company_id
        """;

    /// <summary>Notes that the task announced all of its <c>@total</c> subtasks finished; no row when it already did at that count.</summary>
    public const string AnnounceSubtasksFinished = """
        UPDATE tasks SET subtasks_finished_announced = @total
        WHERE id = @id AND subtasks_finished_announced IS DISTINCT FROM @total
        """;

    public const string InsertComment = """
        INSERT INTO task_comments (company_id, task_id, author, body, created_at) VALUES (@company_id, @task_id, @author, @body, @now)
        RETURNING id, task_id, author, body, created_at
        """;

    public const string Comments = "SELECT id, task_id, author, body, created_at FROM task_comments WHERE task_id = @task_id ORDER BY id";

    public const string WorklogColumns = "id, task_id, agent_id, visibility, body, step_key, created_at";

    /// <summary>Inserts an entry unless the step already wrote one (then nothing is returned).</summary>
    public const string InsertWorklog = """
        INSERT INTO worklog (company_id, task_id, agent_id, visibility, body, step_key, created_by, created_at)
        VALUES (@company_id, @task_id, @agent_id, @visibility, @body, @step_key, @created_by, @now)
        ON CONFLICT (task_id, step_key) DO NOTHING
        RETURNING
        """ + " " + WorklogColumns;

    public const string WorklogByStep = "SELECT " + WorklogColumns + " FROM worklog WHERE task_id = @task_id AND step_key = @step_key";

    public const string Worklog = "SELECT " + WorklogColumns + " FROM worklog WHERE task_id = @task_id ORDER BY id";
}
