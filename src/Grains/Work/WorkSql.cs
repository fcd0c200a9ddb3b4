namespace FluidManager.Grains.Work;

/// <summary>The statements of the agent loop, budgets, approvals, clarifications and spend reports.</summary>
internal static class WorkSql
{
    // ---- task runs ----

    public const string RunColumns = """
        task_id, company_id, agent_id, attempt, step, status, model, activity_id, conversation::text AS conversation,
        notes::text AS notes, artifacts::text AS artifacts, pending_result, noted_approval_id, waiting_for, stop_reason, text_answers, started_at, updated_at
        """;

    public const string RunByTask = "SELECT " + RunColumns + " FROM task_runs WHERE task_id = @task_id";

    public const string UpsertRun = """
        INSERT INTO task_runs (task_id, company_id, agent_id, attempt, step, status, model, activity_id, conversation, notes, artifacts,
                               pending_result, noted_approval_id, waiting_for, stop_reason, text_answers, started_at, updated_at)
        VALUES (@task_id, @company_id, @agent_id, @attempt, @step, @status, @model, @activity_id, @conversation, @notes, @artifacts,
                @pending_result, @noted_approval_id, @waiting_for, @stop_reason, @text_answers, @started_at, @now)
        ON CONFLICT (task_id) DO UPDATE SET
          agent_id = EXCLUDED.agent_id, attempt = EXCLUDED.attempt, step = EXCLUDED.step, status = EXCLUDED.status,
          model = EXCLUDED.model, activity_id = EXCLUDED.activity_id, conversation = EXCLUDED.conversation,
          notes = EXCLUDED.notes, artifacts = EXCLUDED.artifacts, pending_result = EXCLUDED.pending_result,
          noted_approval_id = EXCLUDED.noted_approval_id,
          waiting_for = EXCLUDED.waiting_for, stop_reason = EXCLUDED.stop_reason, text_answers = EXCLUDED.text_answers,
          started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at
        """;

    public const string CompanyOfTask = "SELECT company_id FROM tasks WHERE id = @task_id";

    /// <summary>What the agent works with: its profile and limits.</summary>
    public const string AgentForWork = """
        SELECT id, first_name, last_name, role, department, seniority, bio, system_prompt, style_guidelines, model, status, allowed_tools
        FROM agents WHERE id = @agent_id AND company_id = @company_id
        """;

    /// <summary>The task's ancestors, nearest first, with who works on them.</summary>
    public const string ParentChain = """
        WITH RECURSIVE chain AS (
          SELECT t.id, t.parent_task_id, t.title, t.assignee_agent_id, t.created_by, 1 AS depth
          FROM tasks t WHERE t.id = (SELECT parent_task_id FROM tasks WHERE id = @task_id) AND t.company_id = @company_id
          UNION ALL
          SELECT p.id, p.parent_task_id, p.title, p.assignee_agent_id, p.created_by, c.depth + 1
          FROM tasks p JOIN chain c ON p.id = c.parent_task_id
          WHERE c.depth < 20)
        SELECT c.id, c.title, c.created_by, a.first_name || ' ' || a.last_name AS assignee, a.role
        FROM chain c LEFT JOIN agents a ON a.id = c.assignee_agent_id
        ORDER BY c.depth
        """;

    /// <summary>The task's latest worklog entries, oldest first.</summary>
    public const string RecentWorklog = """
        SELECT body, created_at FROM (
          SELECT id, body, created_at FROM worklog WHERE task_id = @task_id ORDER BY id DESC LIMIT @limit) w
        ORDER BY id
        """;

    /// <summary>Steps that earlier attempts of the task took (the done_steps of a fresh conversation).</summary>
    public const string DoneSteps = """
        SELECT tool, outcome, refs::text AS refs, arguments::text AS arguments, attempt
        FROM tool_calls WHERE task_id = @task_id AND attempt < @attempt AND outcome IN ('ok', 'waiting')
        ORDER BY id
        """;

    public const string SubtaskResults = """
        SELECT t.id, t.title, t.status, t.result, t.status_reason, a.first_name || ' ' || a.last_name AS assignee
        FROM tasks t LEFT JOIN agents a ON a.id = t.assignee_agent_id
        WHERE t.parent_task_id = @task_id AND t.company_id = @company_id
        ORDER BY t.id
        """;

    // ---- trace ----

    public const string InsertLlmCall = """
        INSERT INTO llm_calls (company_id, task_id, agent_id, project, department, attempt, step, activity_id, model,
                               input_tokens, output_tokens, cost, duration_ms, finish_reason, tool_calls, succeeded, error,
                               reserved_tokens, reserved_cost, at)
        SELECT @company_id, @task_id, @agent_id, t.project, a.department, @attempt, @step, @activity_id, @model,
               @input_tokens, @output_tokens, @cost, @duration_ms, @finish_reason, @tool_calls, @succeeded, @error,
               @reserved_tokens, @reserved_cost, @now
        FROM tasks t JOIN agents a ON a.id = @agent_id AND a.company_id = t.company_id
        WHERE t.id = @task_id AND t.company_id = @company_id
        ON CONFLICT (activity_id) DO NOTHING
        RETURNING id, company_id, task_id, agent_id, project, attempt, step, activity_id, model, input_tokens, output_tokens,
                  cost, duration_ms, finish_reason, tool_calls, succeeded, error, reserved_tokens, reserved_cost, at
        """;

    public const string LlmCallsOfTask = """
        SELECT id, company_id, task_id, agent_id, project, attempt, step, activity_id, model, input_tokens, output_tokens,
               cost, duration_ms, finish_reason, tool_calls, succeeded, error, reserved_tokens, reserved_cost, at
        FROM llm_calls WHERE task_id = @task_id AND company_id = @company_id ORDER BY id
        """;

    public const string ToolCallColumns = """
        id, company_id, task_id, agent_id, attempt, step, tool_call_id, step_key, tool, arguments::text AS arguments,
        allowed, outcome, reason, result, refs::text AS refs, duration_ms, at
        """;

    public const string InsertToolCall = """
        INSERT INTO tool_calls (company_id, task_id, agent_id, attempt, step, tool_call_id, step_key, tool, arguments,
                                allowed, outcome, reason, result, refs, duration_ms, at)
        VALUES (@company_id, @task_id, @agent_id, @attempt, @step, @tool_call_id, @step_key, @tool, @arguments::jsonb,
                @allowed, @outcome, @reason, @result, @refs::jsonb, @duration_ms, @now)
        RETURNING
        """ + " " + ToolCallColumns;

    public const string ToolCallByStep = "SELECT " + ToolCallColumns + " FROM tool_calls WHERE task_id = @task_id AND step_key = @step_key";

    public const string ToolCallsOfTask = "SELECT " + ToolCallColumns + " FROM tool_calls WHERE task_id = @task_id AND company_id = @company_id ORDER BY id";

    // ---- budgets ----

    /// <summary>The agent's limits, without a lock (most agents have none).</summary>
    public const string AgentLimits = "SELECT tokens_per_day, tokens_per_month, max_cost FROM agents WHERE id = @agent_id AND company_id = @company_id";

    /// <summary>Takes the agent's budget lock (its row) and reads its limits again under it.</summary>
    public const string LockAgentLimits = """
        SELECT tokens_per_day, tokens_per_month, max_cost FROM agents
        WHERE id = @agent_id AND company_id = @company_id
        FOR NO KEY UPDATE
        """;

    /// <summary>The agent's settled use (today, this month, ever) and what its calls in flight hold.</summary>
    public const string AgentUse = """
        SELECT COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE agent_id = @agent_id AND at >= @day_start), 0)::bigint AS day_tokens,
               COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE agent_id = @agent_id AND at >= @month_start), 0)::bigint AS month_tokens,
               COALESCE((SELECT sum(cost) FROM llm_calls WHERE agent_id = @agent_id), 0)::numeric AS total_cost,
               COALESCE((SELECT sum(tokens) FROM budget_reservations WHERE agent_id = @agent_id), 0)::bigint AS reserved_tokens,
               COALESCE((SELECT sum(cost) FROM budget_reservations WHERE agent_id = @agent_id), 0)::numeric AS reserved_cost
        """;

    public const string EnsureCompanyBudget = """
        INSERT INTO company_budgets (company_id, monthly_limit, updated_at) VALUES (@company_id, NULL, @now)
        ON CONFLICT (company_id) DO NOTHING
        """;

    /// <summary>The company's monthly limit, read without a lock.</summary>
    public const string CompanyLimit = "SELECT monthly_limit FROM company_budgets WHERE company_id = @company_id";

    /// <summary>The company's monthly limits in USD and in tokens, read in one round trip without a lock (most companies have neither).</summary>
    public const string CompanyLimits = """
        SELECT (SELECT monthly_limit FROM company_budgets WHERE company_id = @company_id) AS monthly_limit,
               (SELECT monthly_token_limit FROM company_policies WHERE company_id = @company_id) AS monthly_token_limit
        """;

    /// <summary>Takes the company's budget lock (its row) and reads the limit again under it.</summary>
    public const string LockCompanyLimit = "SELECT monthly_limit FROM company_budgets WHERE company_id = @company_id FOR NO KEY UPDATE";

    public const string CompanyUse = """
        SELECT COALESCE((SELECT sum(cost) FROM llm_calls WHERE company_id = @company_id AND at >= @month_start), 0)::numeric AS spent,
               COALESCE((SELECT sum(cost) FROM budget_reservations WHERE company_id = @company_id), 0)::numeric AS reserved
        """;

    /// <summary>The company's monthly token limit (its governance policy).</summary>
    public const string CompanyTokenLimit = "SELECT monthly_token_limit FROM company_policies WHERE company_id = @company_id";

    /// <summary>Takes the company's token lock (its policy row) and reads the limit again under it.</summary>
    public const string LockCompanyTokenLimit = "SELECT monthly_token_limit FROM company_policies WHERE company_id = @company_id FOR NO KEY UPDATE";

    public const string CompanyTokenUse = """
        SELECT COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE company_id = @company_id AND at >= @month_start), 0)::bigint AS used,
               COALESCE((SELECT sum(tokens) FROM budget_reservations WHERE company_id = @company_id), 0)::bigint AS reserved
        """;

    public const string InsertReservation = """
        INSERT INTO budget_reservations (company_id, agent_id, task_id, meeting_id, activity_id, tokens, cost, created_at)
        VALUES (@company_id, @agent_id, @task_id, @meeting_id, @activity_id, @tokens, @cost, @now)
        """;

    public const string DeleteReservation = "DELETE FROM budget_reservations WHERE activity_id = @activity_id RETURNING tokens, cost";

    public const string SetCompanyLimit = """
        INSERT INTO company_budgets (company_id, monthly_limit, updated_at, updated_by) VALUES (@company_id, @limit, @now, @actor)
        ON CONFLICT (company_id) DO UPDATE SET monthly_limit = EXCLUDED.monthly_limit, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
        """;

    // ---- approvals ----

    public const string ApprovalColumns = """
        id, company_id, task_id, agent_id, kind, action, reason, amount, budget_limit, current_limit, proposed_limit,
        status, requested_at, expires_at, decided_at, decided_by, comment, tool
        """;

    public const string InsertApproval = """
        INSERT INTO approvals (company_id, task_id, agent_id, kind, action, reason, amount, budget_limit, current_limit,
                               proposed_limit, step_key, requested_at, expires_at, tool)
        VALUES (@company_id, @task_id, @agent_id, @kind, @action, @reason, @amount, @budget_limit, @current_limit,
                @proposed_limit, @step_key, @now, @expires_at, @tool::jsonb)
        ON CONFLICT (task_id, step_key) DO NOTHING
        RETURNING
        """ + " " + ApprovalColumns;

    public const string ApprovalByStep = "SELECT " + ApprovalColumns + " FROM approvals WHERE task_id = @task_id AND step_key = @step_key";

    public const string CompanyOfApproval = "SELECT company_id FROM approvals WHERE id = @id";

    public const string ApprovalById = "SELECT " + ApprovalColumns + " FROM approvals WHERE id = @id AND company_id = @company_id";

    public const string PendingApprovalOfTask = "SELECT " + ApprovalColumns + " FROM approvals WHERE task_id = @task_id AND status = 'pending' AND kind <> 'budget_raise' ORDER BY id DESC LIMIT 1";

    /// <summary>Decisions on the task's requests the agent was not told yet, oldest first.</summary>
    public const string DecisionsToNote = "SELECT " + ApprovalColumns + " FROM approvals WHERE task_id = @task_id AND status <> 'pending' AND id > @after ORDER BY id";

    public const string LatestDecidedApprovalOfTask = "SELECT " + ApprovalColumns + " FROM approvals WHERE task_id = @task_id AND status <> 'pending' AND kind <> 'budget_raise' ORDER BY decided_at DESC, id DESC LIMIT 1";

    public const string DecideApproval = """
        UPDATE approvals SET status = @status, decided_at = @now, decided_by = @actor, comment = @comment
        WHERE id = @id AND status = 'pending'
        """;

    public const string ListApprovals = "SELECT " + ApprovalColumns + """

        FROM approvals
        WHERE company_id = @company_id AND (@status::text IS NULL OR status = @status) AND (@task_id::bigint IS NULL OR task_id = @task_id)
        ORDER BY requested_at, id
        LIMIT @limit
        """;

    // ---- clarifications ----

    public const string ClarificationColumns = "id, company_id, task_id, agent_id, asked_of, question, status, answer, asked_at, answered_at, answered_by";

    public const string InsertClarification = """
        INSERT INTO clarifications (company_id, task_id, agent_id, asked_of, question, step_key, asked_at)
        VALUES (@company_id, @task_id, @agent_id, @asked_of, @question, @step_key, @now)
        ON CONFLICT (task_id, step_key) DO NOTHING
        RETURNING
        """ + " " + ClarificationColumns;

    public const string ClarificationById = "SELECT " + ClarificationColumns + " FROM clarifications WHERE id = @id AND company_id = @company_id";

    public const string AnswerClarification = """
        UPDATE clarifications SET status = 'answered', answer = @answer, answered_at = @now, answered_by = @actor
        WHERE id = @id AND status = 'open'
        """;

    /// <summary>Answers not yet put in the agent's conversation; marks them delivered.</summary>
    public const string DeliverAnswers = """
        UPDATE clarifications SET delivered = true
        WHERE task_id = @task_id AND status = 'answered' AND NOT delivered
        RETURNING id, question, answer, answered_by
        """;

    public const string ListClarifications = "SELECT " + ClarificationColumns + """

        FROM clarifications
        WHERE company_id = @company_id AND (@status::text IS NULL OR status = @status) AND (@task_id::bigint IS NULL OR task_id = @task_id)
        ORDER BY id
        LIMIT @limit
        """;

    // ---- spend reports (views of 0151_spend_views.sql, 0180_meetings.sql and 0181_spend_by_meeting.sql) ----

    private const string Sums = """
        COALESCE(sum(s.calls), 0)::bigint AS calls, COALESCE(sum(s.input_tokens), 0)::bigint AS input_tokens,
        COALESCE(sum(s.output_tokens), 0)::bigint AS output_tokens, COALESCE(sum(s.cost), 0)::numeric AS cost,
        COALESCE(sum(s.duration_ms), 0)::bigint AS duration_ms
        """;

    private const string DayRange = "(@from::date IS NULL OR s.day >= @from) AND (@to::date IS NULL OR s.day <= @to)";

    public const string CostsByAgent = $"""
        SELECT s.agent_id::text AS key, COALESCE(a.first_name || ' ' || a.last_name || ' (' || a.role || ')', 'agent ' || s.agent_id) AS label, {Sums}
        FROM spend_by_agent_day s LEFT JOIN agents a ON a.id = s.agent_id
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.agent_id, a.first_name, a.last_name, a.role
        ORDER BY cost DESC, s.agent_id
        """;

    public const string CostsByDepartment = $"""
        SELECT s.department AS key, CASE WHEN s.department = '' THEN '(none)' ELSE s.department END AS label, {Sums}
        FROM spend_by_department_day s
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.department
        ORDER BY cost DESC, s.department
        """;

    public const string CostsByProject = $"""
        SELECT s.project AS key, CASE WHEN s.project = '' THEN '(no project)' ELSE s.project END AS label, {Sums}
        FROM spend_by_project_day s
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.project
        ORDER BY cost DESC, s.project
        """;

    public const string CostsByTask = $"""
        SELECT s.task_id::text AS key, COALESCE('#' || s.task_id || ' ' || t.title, 'task ' || s.task_id) AS label, {Sums}
        FROM spend_by_task_day s LEFT JOIN tasks t ON t.id = s.task_id
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.task_id, t.title
        ORDER BY cost DESC, s.task_id
        """;

    public const string CostsByMeeting = $"""
        SELECT s.meeting_id::text AS key, COALESCE('Meeting #' || s.meeting_id || ' ' || m.title, 'meeting ' || s.meeting_id) AS label, {Sums}
        FROM spend_by_meeting_day s LEFT JOIN meetings m ON m.id = s.meeting_id
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.meeting_id, m.title
        ORDER BY cost DESC, s.meeting_id
        """;

    public const string CostsByModel = $"""
        SELECT s.model AS key, s.model AS label, {Sums}
        FROM spend_by_model_day s
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.model
        ORDER BY cost DESC, s.model
        """;

    public const string CostsByDay = $"""
        SELECT to_char(s.day, 'YYYY-MM-DD') AS key, to_char(s.day, 'YYYY-MM-DD') AS label, {Sums}
        FROM spend_by_day s
        WHERE s.company_id = @company_id AND {DayRange}
        GROUP BY s.day
        ORDER BY s.day
        """;

    /// <summary>The agent and, with @subtree, every agent under it in the current chart; the agent first.</summary>
    public const string SpendOfSubtree = $"""
        WITH RECURSIVE tree AS (
          SELECT @agent_id::bigint AS agent_id, 0 AS depth
          UNION
          SELECT e.subordinate_agent_id, t.depth + 1
          FROM org_edges e JOIN tree t ON e.manager_agent_id = t.agent_id
          WHERE @subtree AND e.company_id = @company_id AND e.effective_to IS NULL AND t.depth < 50)
        SELECT tr.agent_id::text AS key, a.first_name || ' ' || a.last_name || ' (' || a.role || ')' AS label, min(tr.depth) AS depth, {Sums}
        FROM tree tr
        JOIN agents a ON a.id = tr.agent_id AND a.company_id = @company_id
        LEFT JOIN spend_by_agent_day s ON s.agent_id = tr.agent_id AND s.company_id = @company_id AND {DayRange}
        GROUP BY tr.agent_id, a.first_name, a.last_name, a.role
        ORDER BY min(tr.depth), tr.agent_id
        """;
}
