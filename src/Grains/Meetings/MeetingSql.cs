namespace FluidManager.Grains.Meetings;

/// <summary>The statements of meetings: the meeting row, participants, transcript, minutes, calls to action and spend.</summary>
internal static class MeetingSql
{
    public const string Columns = """
        m.id, m.company_id, m.title, m.goal, m.agenda, m.status, m.max_rounds, m.max_tokens, m.budget, m.auto_dispatch, m.model,
        m.round, m.activity_id, m.turn_agent_id, m.synthesis_attempts, m.synthesis_feedback, m.end_reason, m.error, m.created_by,
        m.created_at, m.started_at, m.ended_at, m.version,
        COALESCE(s.input_tokens, 0)::bigint AS input_tokens, COALESCE(s.output_tokens, 0)::bigint AS output_tokens, COALESCE(s.cost, 0)::numeric AS cost
        """;

    private const string Spend = """
        LEFT JOIN LATERAL (
          SELECT sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost) AS cost
          FROM llm_calls WHERE meeting_id = m.id) s ON true
        """;

    public const string ById = "SELECT " + Columns + " FROM meetings m " + Spend + " WHERE m.id = @id AND m.company_id = @company_id AND m.deleted_at IS NULL";

    public const string ByCompany = "SELECT " + Columns + " FROM meetings m " + Spend + " WHERE m.company_id = @company_id AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT 200";

    /// <summary>A soft delete: the row stays so that the meeting's model calls stay in the cost views.</summary>
    public const string Delete = """
        UPDATE meetings SET deleted_at = @now, deleted_by = @actor
        WHERE id = @id AND company_id = @company_id AND deleted_at IS NULL
        """;

    public const string Insert = """
        INSERT INTO meetings (company_id, title, goal, agenda, max_rounds, max_tokens, budget, auto_dispatch, model, created_by, created_at, updated_at)
        VALUES (@company_id, @title, @goal, @agenda, @max_rounds, @max_tokens, @budget, @auto_dispatch, @model, @created_by, @now, @now)
        RETURNING id
        """;

    public const string InsertParticipant = """
        INSERT INTO meeting_participants (meeting_id, company_id, agent_id, position) VALUES (@meeting_id, @company_id, @agent_id, @position)
        """;

    /// <summary>Saves the conversation state of the meeting (the grain is its only writer).</summary>
    public const string Save = """
        UPDATE meetings SET status = @status, round = @round, activity_id = @activity_id, turn_agent_id = @turn_agent_id,
          synthesis_attempts = @synthesis_attempts, synthesis_feedback = @synthesis_feedback, end_reason = @end_reason, error = @error,
          budget = @budget, auto_dispatch = @auto_dispatch, started_at = @started_at, ended_at = @ended_at,
          updated_at = @now, version = version + 1
        WHERE id = @id
        """;

    /// <summary>The participants with their profile and what their turns in this meeting used.</summary>
    public const string Participants = """
        SELECT p.agent_id, p.position, a.first_name, a.last_name, a.role, a.department, a.model, a.system_prompt, a.style_guidelines, a.bio,
               (SELECT count(*) FROM meeting_messages mm WHERE mm.meeting_id = p.meeting_id AND mm.speaker_agent_id = p.agent_id)::int AS messages,
               COALESCE(sum(c.input_tokens), 0)::bigint AS input_tokens, COALESCE(sum(c.output_tokens), 0)::bigint AS output_tokens,
               COALESCE(sum(c.cost), 0)::numeric AS cost
        FROM meeting_participants p
        JOIN agents a ON a.id = p.agent_id AND a.company_id = p.company_id
        LEFT JOIN llm_calls c ON c.meeting_id = p.meeting_id AND c.agent_id = p.agent_id
        WHERE p.meeting_id = @meeting_id
        GROUP BY p.meeting_id, p.agent_id, p.position, a.first_name, a.last_name, a.role, a.department, a.model, a.system_prompt, a.style_guidelines, a.bio
        ORDER BY p.position
        """;

    /// <summary>Agents of the company by id, for validating participants.</summary>
    public const string AgentsByIds = """
        SELECT id, status FROM agents WHERE company_id = @company_id AND id = ANY(@ids)
        """;

    // ---- transcript ----

    public const string MessageColumns = """
        id, meeting_id, seq, round, speaker_kind, speaker, speaker_agent_id, to_agent_id, body, answered_by_seq, input_tokens, output_tokens, cost, at
        """;

    public const string Messages = "SELECT " + MessageColumns + " FROM meeting_messages WHERE meeting_id = @meeting_id AND seq > @after ORDER BY seq";

    public const string InsertMessage = """
        INSERT INTO meeting_messages (company_id, meeting_id, seq, round, speaker_kind, speaker, speaker_agent_id, to_agent_id, body,
                                      activity_id, input_tokens, output_tokens, cost, at)
        VALUES (@company_id, @meeting_id,
                (SELECT COALESCE(max(seq), 0) + 1 FROM meeting_messages WHERE meeting_id = @meeting_id),
                @round, @speaker_kind, @speaker, @speaker_agent_id, @to_agent_id, @body, @activity_id, @input_tokens, @output_tokens, @cost, @now)
        ON CONFLICT (activity_id) DO NOTHING
        RETURNING
        """ + " " + MessageColumns;

    public const string MarkAnswered = "UPDATE meeting_messages SET answered_by_seq = @answer_seq WHERE meeting_id = @meeting_id AND seq = @seq AND answered_by_seq IS NULL";

    // ---- spend ----

    public const string InsertLlmCall = """
        INSERT INTO llm_calls (company_id, task_id, meeting_id, agent_id, project, department, attempt, step, activity_id, model,
                               input_tokens, output_tokens, cost, duration_ms, finish_reason, tool_calls, succeeded, error,
                               reserved_tokens, reserved_cost, at)
        SELECT @company_id, NULL, @meeting_id, @agent_id, NULL, (SELECT department FROM agents WHERE id = @agent_id AND company_id = @company_id),
               1, @step, @activity_id, @model, @input_tokens, @output_tokens, @cost, @duration_ms, @finish_reason, 0, @succeeded, @error,
               @reserved_tokens, @reserved_cost, @now
        ON CONFLICT (activity_id) DO NOTHING
        RETURNING id
        """;

    /// <summary>What the meeting spent and what its calls in flight hold, against its budget.</summary>
    public const string Use = """
        SELECT COALESCE((SELECT sum(cost) FROM llm_calls WHERE meeting_id = @meeting_id), 0)::numeric AS spent,
               COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE meeting_id = @meeting_id), 0)::bigint AS tokens,
               COALESCE((SELECT sum(cost) FROM budget_reservations WHERE meeting_id = @meeting_id), 0)::numeric AS reserved
        """;

    // ---- org (candidates for calls to action) ----

    /// <summary>The participants and every agent under them in the current chart, with their depth below a participant.</summary>
    public const string Candidates = """
        WITH RECURSIVE tree AS (
          SELECT p.agent_id, 0 AS level, NULL::bigint AS manager_id FROM meeting_participants p WHERE p.meeting_id = @meeting_id
          UNION
          SELECT e.subordinate_agent_id, t.level + 1, e.manager_agent_id
          FROM org_edges e JOIN tree t ON e.manager_agent_id = t.agent_id
          WHERE e.company_id = @company_id AND e.effective_to IS NULL AND t.level < 10)
        SELECT a.id, a.first_name || ' ' || a.last_name AS name, a.role, a.department, min(t.level) AS level, min(t.manager_id) AS manager_id
        FROM tree t JOIN agents a ON a.id = t.agent_id AND a.company_id = @company_id
        WHERE a.status <> 'archived'
        GROUP BY a.id, a.first_name, a.last_name, a.role, a.department
        ORDER BY min(t.level), a.id
        LIMIT 60
        """;

    // ---- minutes ----

    public const string InsertMinutes = """
        INSERT INTO meeting_minutes (meeting_id, company_id, summary, risks, open_questions, model, attempts, created_at)
        VALUES (@meeting_id, @company_id, @summary, @risks, @open_questions, @model, @attempts, @now)
        """;

    public const string Minutes = "SELECT summary, risks, open_questions, model, attempts, created_at FROM meeting_minutes WHERE meeting_id = @meeting_id";

    public const string InsertDecision = """
        INSERT INTO meeting_decisions (company_id, meeting_id, position, body) VALUES (@company_id, @meeting_id, @position, @body) RETURNING id
        """;

    public const string Decisions = "SELECT id, position, body FROM meeting_decisions WHERE meeting_id = @meeting_id ORDER BY position";

    public const string InsertCta = """
        INSERT INTO meeting_ctas (company_id, meeting_id, position, title, description, owner_agent_id, due_date, priority, rationale, decision_id, created_at, updated_at)
        VALUES (@company_id, @meeting_id, @position, @title, @description, @owner_agent_id, @due_date, @priority, @rationale, @decision_id, @now, @now)
        """;

    public const string CtaColumns = """
        c.id, c.meeting_id, c.position, c.title, c.description, c.owner_agent_id, a.first_name || ' ' || a.last_name AS owner_name, c.due_date,
        c.priority, c.rationale, c.decision_id, c.status, c.task_id, t.status AS task_status, c.assignee_agent_id, c.route, c.refusal_rule,
        c.refusal_reason, c.version
        """;

    private const string CtaFrom = """
        FROM meeting_ctas c
        LEFT JOIN agents a ON a.id = c.owner_agent_id AND a.company_id = c.company_id
        LEFT JOIN tasks t ON t.id = c.task_id AND t.company_id = c.company_id
        """;

    public const string Ctas = "SELECT " + CtaColumns + " " + CtaFrom + " WHERE c.meeting_id = @meeting_id ORDER BY c.position";

    public const string CtaById = "SELECT " + CtaColumns + " " + CtaFrom + " WHERE c.meeting_id = @meeting_id AND c.id = @id";

    public const string UpdateCta = """
        UPDATE meeting_ctas SET title = @title, description = @description, owner_agent_id = @owner_agent_id, due_date = @due_date,
          priority = @priority, status = @status, task_id = @task_id, assignee_agent_id = @assignee_agent_id, route = @route,
          refusal_rule = @refusal_rule, refusal_reason = @refusal_reason, updated_at = @now, version = version + 1
        WHERE id = @id AND meeting_id = @meeting_id
        """;

    // ---- export ----

    public const string InsertArtifact = """
        INSERT INTO artifacts (company_id, meeting_id, kind, name, content_type, size_bytes, storage_key, sha256, created_by, created_at)
        VALUES (@company_id, @meeting_id, 'file', @name, @content_type, @size_bytes, @storage_key, @sha256, @created_by, @now)
        RETURNING id
        """;
}
