namespace FluidManager.Grains.Memory;

/// <summary>The statements of agent memory.</summary>
internal static class MemorySql
{
    public const string Columns = """
        m.id, m.company_id, m.agent_id, m.kind, m.content, m.source_kind, m.source_task_id, m.source_meeting_id, m.source_actor,
        m.valid_from, m.valid_to, m.supersedes_id, m.superseded_by_id, m.pinned, m.forgotten_at, m.forgotten_by, m.version,
        m.created_at, m.created_by, m.updated_at
        """;

    public const string ById = "SELECT " + Columns + """

         FROM agent_memory m
        WHERE m.id = @id AND m.company_id = @company_id AND m.agent_id = @agent_id
        """;

    public const string AgentExists = "SELECT EXISTS (SELECT 1 FROM agents WHERE id = @agent_id AND company_id = @company_id)";

    public const string Insert = """
        INSERT INTO agent_memory (company_id, agent_id, kind, content, source_kind, source_task_id, source_meeting_id, source_actor,
                                  valid_from, supersedes_id, pinned, embedding, embedding_model, created_at, created_by, updated_at)
        VALUES (@company_id, @agent_id, @kind, @content, @source_kind, @source_task_id, @source_meeting_id, @source_actor,
                @now, @supersedes_id, @pinned, @embedding, @embedding_model, @now, @source_actor, @now)
        RETURNING id
        """;

    /// <summary>Ends the validity of the item a newer one contradicts, and links the two.</summary>
    public const string Supersede = """
        UPDATE agent_memory
           SET valid_to = @now, superseded_by_id = @by_id, version = version + 1, updated_at = @now
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id
        """;

    public const string Edit = """
        UPDATE agent_memory
           SET content = coalesce(@content, content),
               embedding = CASE WHEN @content IS NULL THEN embedding ELSE @embedding END,
               embedding_model = CASE WHEN @content IS NULL THEN embedding_model ELSE @embedding_model END,
               pinned = coalesce(@pinned, pinned),
               version = version + 1, updated_at = @now
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id
        """;

    public const string Forget = """
        UPDATE agent_memory
           SET forgotten_at = @now, forgotten_by = @actor, forgotten_reason = @reason, pinned = false, version = version + 1, updated_at = @now
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id AND forgotten_at IS NULL
        """;

    /// <summary>Items of the agents, newest first (the memory tab without a search).</summary>
    public const string List = "SELECT " + Columns + ", 0::float8 AS score" + """

         FROM agent_memory m
        WHERE m.company_id = @company_id AND m.agent_id = ANY (@agent_ids)
          AND (@kinds::text[] IS NULL OR m.kind = ANY (@kinds::text[]))
          AND (@inactive OR (m.forgotten_at IS NULL AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)))
        ORDER BY m.pinned DESC, m.id DESC
        LIMIT @limit
        """;

    /// <summary>
    /// Hybrid retrieval over the live items of the agents: the vector top-k (exact cosine distance over the
    /// agents' items, of the query vector's length only) and the full-text top-k (ts_rank_cd over the OR of the
    /// query's lexemes), fused by reciprocal rank (Σ 1 / (k + rank)), plus a bonus for pinned items and a
    /// small one that fades with age (half of it after @half_life_days). Forgotten, superseded and expired
    /// items never match.
    /// </summary>
    public const string Search = """
        WITH live AS MATERIALIZED (
          SELECT m.id, m.embedding, m.tsv, m.pinned, m.created_at
          FROM agent_memory m
          WHERE m.company_id = @company_id AND m.agent_id = ANY (@agent_ids) AND m.forgotten_at IS NULL
            AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)
            AND (@kinds::text[] IS NULL OR m.kind = ANY (@kinds::text[]))),
        vector_hits AS MATERIALIZED (
          SELECT l.id, l.embedding <=> @embedding AS distance
          FROM live l
          WHERE @embedding IS NOT NULL AND l.embedding IS NOT NULL AND vector_dims(l.embedding) = vector_dims(@embedding)
          ORDER BY l.embedding <=> @embedding, l.id
          LIMIT @k),
        text_hits AS MATERIALIZED (
          SELECT l.id, ts_rank_cd(l.tsv, q.query) AS rank
          FROM live l, (SELECT replace(plainto_tsquery('english', @text)::text, '&', '|')::tsquery AS query) q
          WHERE l.tsv @@ q.query
          ORDER BY rank DESC, l.id
          LIMIT @k),
        ranked AS (
          SELECT id, row_number() OVER (ORDER BY distance, id)::int AS r FROM vector_hits
          UNION ALL
          SELECT id, row_number() OVER (ORDER BY rank DESC, id)::int FROM text_hits),
        fused AS (
          SELECT r.id, sum(1.0 / (@rrf_k + r.r))::float8 AS score FROM ranked r GROUP BY r.id)
        """ + "\nSELECT " + Columns + """
        , (f.score + CASE WHEN m.pinned THEN @pin_bonus ELSE 0 END
                + @recency_bonus * power(0.5, extract(epoch FROM (@now - m.created_at)) / 86400.0 / @half_life_days))::float8 AS score
        FROM fused f
        JOIN agent_memory m ON m.id = f.id
        ORDER BY score DESC, m.id DESC
        LIMIT @limit
        """;

    public const string InsertRecall = """
        INSERT INTO memory_recalls (company_id, agent_id, task_id, attempt, via, query, item_ids, tokens, duration_ms, at)
        VALUES (@company_id, @agent_id, @task_id, @attempt, @via, @query, @item_ids, @tokens, @duration_ms, @now)
        RETURNING id
        """;

    public const string Recalls = """
        SELECT id, agent_id, task_id, attempt, via, query, item_ids, tokens, duration_ms, at
        FROM memory_recalls
        WHERE company_id = @company_id AND agent_id = @agent_id AND (@task_id::bigint IS NULL OR task_id = @task_id)
        ORDER BY id DESC
        LIMIT @limit
        """;

    /// <summary>What an attempt of a task cost: its model calls' tokens and cost.</summary>
    public const string AttemptCost = """
        SELECT coalesce(sum(input_tokens + output_tokens), 0)::bigint AS tokens, coalesce(sum(cost), 0)::numeric AS cost, count(*)::int AS calls
        FROM llm_calls
        WHERE task_id = @task_id AND company_id = @company_id AND attempt = @attempt
        """;
}
