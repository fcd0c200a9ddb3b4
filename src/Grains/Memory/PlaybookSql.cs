namespace FluidManager.Grains.Memory;

/// <summary>The statements of playbook changes.</summary>
internal static class PlaybookSql
{
    private const string Columns = """
        c.id, c.company_id, c.agent_id, c.status, c.instruction, c.playbook_before, c.playbook_after, c.lesson_ids, c.source_task_ids,
        c.created_at, c.decided_at, c.decided_by, c.comment, c.version
        """;

    public const string ById = "SELECT " + Columns + " FROM agent_playbook_changes c WHERE c.id = @id AND c.company_id = @company_id AND c.agent_id = @agent_id";

    public const string ByAgent = "SELECT " + Columns + """
         FROM agent_playbook_changes c
        WHERE c.company_id = @company_id AND c.agent_id = @agent_id AND (@status::text IS NULL OR c.status = @status)
        ORDER BY c.id DESC
        """;

    public const string Pending = "SELECT " + Columns + """
         FROM agent_playbook_changes c
        WHERE c.company_id = @company_id AND c.status = 'proposed'
        ORDER BY c.id
        """;

    /// <summary>The agent's approved instructions, in the order they were approved.</summary>
    public const string Approved = """
        SELECT instruction FROM agent_playbook_changes
        WHERE company_id = @company_id AND agent_id = @agent_id AND status = 'approved'
        ORDER BY decided_at, id
        """;

    public const string Insert = """
        INSERT INTO agent_playbook_changes (company_id, agent_id, instruction, playbook_before, playbook_after, lesson_ids, source_task_ids, created_at)
        VALUES (@company_id, @agent_id, @instruction, @before, @after, @lesson_ids, @source_task_ids, @now)
        RETURNING id
        """;

    public const string Decide = """
        UPDATE agent_playbook_changes
           SET status = @status, decided_at = @now, decided_by = @actor, comment = @comment, version = version + 1
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id AND status = 'proposed'
        """;

    /// <summary>
    /// Earlier live lessons of the agent like a new one: close in meaning (cosine distance within @max_distance on
    /// vectors of the same length) or carrying the same reason word for word. Lessons already behind a change are left out.
    /// </summary>
    public const string SimilarLessons = """
        SELECT m.id, m.source_task_id
        FROM agent_memory m
        WHERE m.company_id = @company_id AND m.agent_id = @agent_id AND m.kind = 'lesson' AND m.id <> @id
          AND m.forgotten_at IS NULL AND (m.valid_to IS NULL OR m.valid_to > @now)
          AND ((@embedding IS NOT NULL AND m.embedding IS NOT NULL AND vector_dims(m.embedding) = vector_dims(@embedding)
                AND (m.embedding <=> @embedding) <= @max_distance)
               OR strpos(lower(m.content), lower(@reason)) > 0)
          AND NOT EXISTS (SELECT 1 FROM agent_playbook_changes c WHERE c.agent_id = m.agent_id AND m.id = ANY (c.lesson_ids))
        ORDER BY m.id
        """;
}
