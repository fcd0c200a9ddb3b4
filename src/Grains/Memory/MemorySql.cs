namespace FluidManager.Grains.Memory;

/// <summary>The statements of agent memory.</summary>
internal static class MemorySql
{
    public const string Columns = """
        m.id, m.company_id, m.agent_id, m.kind, m.content, m.source_kind, m.source_task_id, m.source_meeting_id, m.source_actor,
        m.valid_from, m.valid_to, m.supersedes_id, m.superseded_by_id, m.pinned, m.forgotten_at, m.forgotten_by, m.version,
        m.created_at, m.created_by, m.updated_at
        """;

    /// <summary>The dimension of the embedding column (a vector of another length is never written nor searched).</summary>
    public const string ColumnDimensions = "(SELECT a.atttypmod FROM pg_attribute a WHERE a.attrelid = 'agent_memory'::regclass AND a.attname = 'embedding')";

    public const string ById = "SELECT " + Columns + """

         FROM agent_memory m
        WHERE m.id = @id AND m.company_id = @company_id AND m.agent_id = @agent_id
        """;

    public const string AgentExists = "SELECT EXISTS (SELECT 1 FROM agents WHERE id = @agent_id AND company_id = @company_id)";

    /// <summary>Who the agent is and which model it works with (a lesson request is made to that model).</summary>
    public const string AgentForLesson = """
        SELECT first_name || ' ' || last_name AS name, role, department, model FROM agents WHERE id = @agent_id AND company_id = @company_id
        """;

    /// <summary>The input of one of this grain's activities (a failed outcome carries none).</summary>
    public const string ActivityInput = """
        SELECT input FROM runtime.activities WHERE id = @id AND grain_type = 'agent-memory' AND grain_key = @grain_key AND kind = @kind
        """;

    public const string Insert = $"""
        INSERT INTO agent_memory (company_id, agent_id, kind, content, source_kind, source_task_id, source_meeting_id, source_actor,
                                  valid_from, supersedes_id, pinned, embedding, embedding_model, created_at, created_by, updated_at)
        SELECT @company_id, @agent_id, @kind, @content, @source_kind, @source_task_id, @source_meeting_id, @source_actor,
               @now, @supersedes_id, @pinned, e.embedding, CASE WHEN e.embedding IS NULL THEN NULL ELSE @embedding_model END, @now, @source_actor, @now
        FROM (SELECT CASE WHEN vector_dims(@embedding::vector) = {ColumnDimensions} THEN @embedding::vector END AS embedding) e
        RETURNING id
        """;

    /// <summary>Ends the validity of the item a newer one contradicts, and links the two.</summary>
    public const string Supersede = """
        UPDATE agent_memory
           SET valid_to = @now, superseded_by_id = @by_id, version = version + 1, updated_at = @now
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id
        """;

    public const string Edit = $"""
        UPDATE agent_memory
           SET content = coalesce(@content, content),
               embedding = CASE WHEN @content IS NULL THEN embedding WHEN vector_dims(@embedding::vector) = {ColumnDimensions} THEN @embedding::vector END,
               embedding_model = CASE WHEN @content IS NULL THEN embedding_model WHEN vector_dims(@embedding::vector) = {ColumnDimensions} THEN @embedding_model END,
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
    /// Set in the search's transaction before <see cref="SearchQuery"/>: the HNSW scan goes on past its first candidates
    /// until @k of them pass the company and agent filter (pgvector's iterative scan), visiting at most @max_tuples.
    /// </summary>
    public const string SearchSettings = """
        SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', @ef_search, true),
               set_config('hnsw.max_scan_tuples', @max_tuples, true)
        """;

    /// <summary>
    /// Hybrid retrieval over the live items of the agents: the vector top-k (cosine distance; only with a query vector
    /// of the column's length) and the full-text top-k (ts_rank_cd over the query's words, all of them required:
    /// websearch_to_tsquery), fused by reciprocal rank (Σ 1 / (k + rank)),
    /// plus a bonus for pinned items and a small one that fades with age (half of it after @half_life_days).
    /// Forgotten, superseded and expired items never match. When the agents searched have at most @exact_max live items,
    /// the vector half ranks all of them by the Hamming distance of their vector's binary sketch (read from
    /// agent_memory_agent_sketch_ix alone: no heap row), then measures the best @sketch_k of them exactly (all of them
    /// when there are no more); above that it walks the HNSW index, filtered by company and agents during the walk
    /// (iterative scan). Each branch is guarded by a one-time filter, so only one of them runs. The full-text half reads
    /// the agents' matching items only (agent_memory_agent_tsv_ix holds the agent and the words).
    /// </summary>
    public const string SearchQuery = $"""
        WITH searched AS MATERIALIZED (
          SELECT count(*) AS n FROM agent_memory m
          WHERE @embedding::vector IS NOT NULL AND m.agent_id = ANY (@agent_ids) AND m.forgotten_at IS NULL),
        sketched AS MATERIALIZED (
          SELECT m.id
          FROM agent_memory m
          WHERE (SELECT n FROM searched) <= @exact_max
            AND vector_dims(@embedding::vector) = {ColumnDimensions} AND m.embedding_bits IS NOT NULL
            AND m.company_id = @company_id AND m.agent_id = ANY (@agent_ids) AND m.forgotten_at IS NULL
            AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)
            AND (@kinds::text[] IS NULL OR m.kind = ANY (@kinds::text[]))
          ORDER BY m.embedding_bits <~> binary_quantize(@embedding::vector)
          LIMIT @sketch_k),
        vector_hits AS MATERIALIZED (
          SELECT v.id, row_number() OVER (ORDER BY v.distance, v.id)::int AS r
          FROM (
            (SELECT m.id, m.embedding <=> @embedding::vector AS distance
             FROM sketched s
             JOIN agent_memory m ON m.id = s.id
             ORDER BY (m.embedding <=> @embedding::vector) + 0
             LIMIT @k)
            UNION ALL
            (SELECT m.id, m.embedding <=> @embedding::vector AS distance
             FROM agent_memory m
             WHERE (SELECT n FROM searched) > @exact_max
               AND vector_dims(@embedding::vector) = {ColumnDimensions}
               AND m.company_id = @company_id AND m.agent_id = ANY (@agent_ids) AND m.forgotten_at IS NULL
               AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)
               AND (@kinds::text[] IS NULL OR m.kind = ANY (@kinds::text[]))
             ORDER BY m.embedding <=> @embedding::vector
             LIMIT @k)) v),
        text_hits AS MATERIALIZED (
          SELECT t.id, row_number() OVER (ORDER BY t.rank DESC, t.id)::int AS r
          FROM (
            SELECT m.id, ts_rank_cd(m.tsv, q.query) AS rank
            FROM agent_memory m, websearch_to_tsquery('english', @text) q (query)
            WHERE m.tsv @@ q.query
              AND m.company_id = @company_id AND m.agent_id = ANY (@agent_ids) AND m.forgotten_at IS NULL
              AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)
              AND (@kinds::text[] IS NULL OR m.kind = ANY (@kinds::text[]))
            ORDER BY rank DESC, m.id
            LIMIT @k) t),
        fused AS (
          SELECT f.id, sum(1.0 / (@rrf_k + f.r))::float8 AS score
          FROM (SELECT id, r FROM vector_hits UNION ALL SELECT id, r FROM text_hits) f
          GROUP BY f.id)
        """ + "\nSELECT " + Columns + """
        , (f.score + CASE WHEN m.pinned THEN @pin_bonus ELSE 0 END
                + @recency_bonus * power(0.5, extract(epoch FROM (@now - m.created_at)) / 86400.0 / @half_life_days))::float8 AS score
        FROM fused f
        JOIN agent_memory m ON m.id = f.id
        ORDER BY score DESC, m.id DESC
        LIMIT @limit
        """;

    /// <summary>
    /// <see cref="SearchSettings"/> then <see cref="SearchQuery"/>, sent together: one round trip, one transaction (the
    /// caller's, or the implicit one of the two statements), so the settings hold for the search only.
    /// </summary>
    public const string Search = SearchSettings + ";\n" + SearchQuery;

    /// <summary>Fills in the vector of an item whose content is still the one embedded (an edit since starts another embedding).</summary>
    public const string SetEmbedding = $"""
        UPDATE agent_memory
           SET embedding = @embedding, embedding_model = @embedding_model
         WHERE id = @id AND company_id = @company_id AND agent_id = @agent_id AND content = @content
           AND vector_dims(@embedding) = {ColumnDimensions}
        """;

    /// <summary>An agent's live items without a vector and without a <c>memory.embed</c> activity pending or running for them.</summary>
    public const string UnembeddedOfAgent = "SELECT " + Columns + """

         FROM agent_memory m
        WHERE m.company_id = @company_id AND m.agent_id = @agent_id AND m.embedding IS NULL AND m.forgotten_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM runtime.activities a
                          WHERE a.grain_type = 'agent-memory' AND a.grain_key = @grain_key AND a.kind = @kind AND a.status IN ('pending', 'running')
                            AND a.input ->> 'itemId' = m.id::text)
        ORDER BY m.id
        LIMIT @limit
        """;

    /// <summary>The agents with live items still waiting for their vector (the sweep at start-up).</summary>
    public const string AgentsWithUnembedded = """
        SELECT DISTINCT m.company_id, m.agent_id FROM agent_memory m WHERE m.embedding IS NULL AND m.forgotten_at IS NULL
        """;

    /// <summary>Which of the items found are still live, with their version (the briefing's turn checks the activity's hits).</summary>
    public const string StillLive = """
        SELECT m.id, m.version FROM agent_memory m
        WHERE m.company_id = @company_id AND m.id = ANY (@ids) AND m.forgotten_at IS NULL
          AND m.valid_from <= @now AND (m.valid_to IS NULL OR m.valid_to > @now)
        """;

    /// <summary>Whether a lesson is already behind a playbook change.</summary>
    public const string LessonProposed = """
        SELECT EXISTS (SELECT 1 FROM agent_playbook_changes c WHERE c.company_id = @company_id AND c.agent_id = @agent_id AND @id = ANY (c.lesson_ids))
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
