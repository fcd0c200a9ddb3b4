namespace FluidManager.Grains.Agents;

/// <summary>The statements over agents and escalations.</summary>
internal static class AgentSql
{
    /// <summary>An agent with its current manager (none, the CEO seat, or an agent).</summary>
    public const string Select = """
        SELECT a.id, a.company_id, a.first_name, a.last_name, a.role, a.department, a.seniority, a.bio, a.affinities,
               a.system_prompt, a.style_guidelines, a.model, a.allowed_tools, a.tokens_per_day, a.tokens_per_month,
               a.max_cost, a.web_domains, a.sql_sources, a.max_concurrent_tasks, a.attempt_timeout_seconds, a.status, a.avatar_artifact_id, a.version, a.created_at, a.updated_at,
               e.manager_agent_id, (e.id IS NOT NULL AND e.manager_agent_id IS NULL) AS reports_to_ceo
        FROM agents a
        LEFT JOIN org_edges e ON e.subordinate_agent_id = a.id AND e.effective_to IS NULL
        """;

    public const string ById = Select + " WHERE a.id = @id AND a.company_id = @company_id";

    /// <summary>The agent whatever its company: what its grain keeps in memory, checked against the caller's company on every read.</summary>
    public const string ByKey = Select + " WHERE a.id = @id";

    /// <summary>The tasks whose assignee the deletion of the agent clears (tasks_assignee_fk ON DELETE SET NULL).</summary>
    public const string AssignedTaskIds = "SELECT id FROM tasks WHERE assignee_agent_id = @id AND company_id = @company_id AND deleted_at IS NULL ORDER BY id";

    public const string List = Select + " WHERE a.company_id = @company_id AND (@status::text IS NULL OR a.status = @status) ORDER BY a.id";

    public const string Insert = """
        INSERT INTO agents (company_id, first_name, last_name, role, department, seniority, bio, affinities, system_prompt,
                            style_guidelines, model, allowed_tools, tokens_per_day, tokens_per_month, max_cost, web_domains,
                            sql_sources, max_concurrent_tasks, attempt_timeout_seconds, status, created_at, updated_at)
        VALUES (@company_id, @first_name, @last_name, @role, @department, @seniority, @bio, @affinities, @system_prompt,
                @style_guidelines, @model, @allowed_tools, @tokens_per_day, @tokens_per_month, @max_cost, @web_domains,
                @sql_sources, @max_concurrent_tasks, @attempt_timeout_seconds, @status, @now, @now)
        RETURNING id
        """;

    public const string UpdateProfile = """
        UPDATE agents SET first_name = @first_name, last_name = @last_name, role = @role, department = @department,
               seniority = @seniority, bio = @bio, affinities = @affinities, system_prompt = @system_prompt,
               style_guidelines = @style_guidelines, model = @model, allowed_tools = @allowed_tools,
               tokens_per_day = @tokens_per_day, tokens_per_month = @tokens_per_month, max_cost = @max_cost,
               web_domains = @web_domains, sql_sources = @sql_sources, max_concurrent_tasks = @max_concurrent_tasks,
               attempt_timeout_seconds = @attempt_timeout_seconds, version = version + 1, updated_at = @now
        WHERE id = @id
        """;

    public const string SetStatus = "UPDATE agents SET status = @status, version = version + 1, updated_at = @now WHERE id = @id";

    public const string SetAvatar = "UPDATE agents SET avatar_artifact_id = @artifact_id, version = version + 1, updated_at = @now WHERE id = @id";

    /// <summary>
    /// Locks the row against concurrent assignments (their foreign-key check takes a KEY SHARE lock)
    /// while the delete checks for open work.
    /// </summary>
    public const string LockForDelete = "SELECT id FROM agents WHERE id = @id AND company_id = @company_id FOR UPDATE";

    public const string QueuedTasks = "SELECT id FROM tasks WHERE assignee_agent_id = @id AND company_id = @company_id AND status = 'queued' ORDER BY id";

    public const string OpenWorkCount = "SELECT count(*) FROM tasks WHERE assignee_agent_id = @id AND status NOT IN ('done', 'cancelled')";

    public const string DeleteOwnArtifacts = "DELETE FROM artifacts WHERE agent_id = @id AND task_id IS NULL";

    public const string DeleteOwnWorklog = "DELETE FROM worklog WHERE agent_id = @id AND task_id IS NULL";

    public const string InsertOwnWorklog = """
        INSERT INTO worklog (company_id, task_id, agent_id, visibility, body, created_by, created_at)
        VALUES (@company_id, NULL, @agent_id, @visibility, @body, @created_by, @now)
        RETURNING id, task_id, agent_id, visibility, body, step_key, created_at
        """;

    public const string DeleteOldAvatars = "DELETE FROM artifacts WHERE agent_id = @id AND kind = 'avatar' AND id <> @keep";

    public const string Delete = "DELETE FROM agents WHERE id = @id";

    public const string EscalationColumns = """
        id, company_id, from_agent_id, to_agent_id, task_id, subject, body, status, created_at, resolved_at, resolved_by, resolution
        """;

    public const string InsertEscalation = """
        INSERT INTO escalations (company_id, from_agent_id, to_agent_id, task_id, subject, body, created_at)
        VALUES (@company_id, @from_agent_id, @to_agent_id, @task_id, @subject, @body, @now)
        RETURNING
        """ + " " + EscalationColumns;

    public const string EscalationById = "SELECT " + EscalationColumns + " FROM escalations WHERE id = @id AND company_id = @company_id";

    public const string ManagerInbox = "SELECT " + EscalationColumns + " FROM escalations WHERE to_agent_id = @agent_id AND company_id = @company_id ORDER BY id";

    public const string CeoInbox = "SELECT " + EscalationColumns + """
         FROM escalations WHERE company_id = @company_id AND to_agent_id IS NULL AND status = 'open' ORDER BY id
        """;

    public const string ResolveEscalation = """
        UPDATE escalations SET status = 'resolved', resolved_at = @now, resolved_by = @resolved_by, resolution = @resolution
        WHERE id = @id AND company_id = @company_id AND status = 'open'
        RETURNING
        """ + " " + EscalationColumns;
}
