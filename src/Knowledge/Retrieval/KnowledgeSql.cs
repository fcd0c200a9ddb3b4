namespace FluidManager.Knowledge.Retrieval;

/// <summary>The retrieval statements.</summary>
internal static class KnowledgeSql
{
    /// <summary>
    /// The agent, with its role and department, and the spaces it may read: those with an ACL rule that
    /// matches it (by id, role, department, or everyone), narrowed to one space when asked.
    /// </summary>
    private const string CallerAndReadable = """
        WITH caller AS MATERIALIZED (
          SELECT a.id, a.company_id, lower(btrim(a.role)) AS role, lower(btrim(a.department)) AS department,
                 'rag' = ANY (a.allowed_tools) AS rag
          FROM agents a
          WHERE a.id = @agent_id AND a.company_id = @company_id AND a.status = 'active'),
        readable AS MATERIALIZED (
          SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}') AS ids
          FROM knowledge_spaces s
          JOIN caller a ON a.company_id = s.company_id AND a.rag
          WHERE (@space_id::bigint IS NULL OR s.id = @space_id)
            AND (@space_name::text IS NULL OR lower(s.name) = lower(@space_name))
            AND EXISTS (
              SELECT 1 FROM knowledge_space_acl r
              WHERE r.space_id = s.id AND r.can_read
                AND (r.principal_kind = 'everyone'
                     OR (r.principal_kind = 'agent' AND r.agent_id = a.id)
                     OR (r.principal_kind = 'role' AND r.principal = a.role)
                     OR (r.principal_kind = 'department' AND r.principal = a.department))))
        """;

    /// <summary>
    /// Hybrid retrieval with the ACL inside the query: the vector top-k (HNSW, ordered by cosine distance)
    /// and the full-text top-k (GIN, ranked by ts_rank_cd over the OR of the query's lexemes), each filtered
    /// to the readable spaces and to each document's searchable generation, fused by reciprocal rank
    /// (Σ 1 / (k + rank)). When the agent may read nothing, the one-time filter skips both scans. Always
    /// returns at least one row: the first columns say whether the agent exists, has the rag tool and
    /// which spaces it may read; the others are null when nothing matched.
    /// </summary>
    public const string Search = CallerAndReadable + """
        ,
        vector_hits AS MATERIALIZED (
          SELECT c.id, c.embedding <=> @embedding AS distance
          FROM knowledge_chunks c
          WHERE cardinality((SELECT ids FROM readable)) > 0
            AND c.space_id = ANY ((SELECT ids FROM readable)::bigint[])
            AND c.generation = (SELECT d.active_generation FROM knowledge_documents d WHERE d.id = c.document_id)
          ORDER BY c.embedding <=> @embedding
          LIMIT @vector_k),
        text_hits AS MATERIALIZED (
          SELECT c.id, ts_rank_cd(c.tsv, q.query) AS rank
          FROM knowledge_chunks c,
               (SELECT replace(plainto_tsquery('english', @text)::text, '&', '|')::tsquery AS query) q
          WHERE cardinality((SELECT ids FROM readable)) > 0
            AND c.tsv @@ q.query
            AND c.space_id = ANY ((SELECT ids FROM readable)::bigint[])
            AND c.generation = (SELECT d.active_generation FROM knowledge_documents d WHERE d.id = c.document_id)
          ORDER BY rank DESC, c.id
          LIMIT @text_k),
        ranked AS (
          SELECT id, row_number() OVER (ORDER BY distance, id)::int AS vector_rank, NULL::int AS text_rank, distance FROM vector_hits
          UNION ALL
          SELECT id, NULL::int, row_number() OVER (ORDER BY rank DESC, id)::int, NULL::float8 FROM text_hits),
        fused AS (
          SELECT id, sum(1.0 / (@rrf_k + coalesce(vector_rank, text_rank)))::float8 AS score,
                 min(vector_rank) AS vector_rank, min(text_rank) AS text_rank, min(distance) AS distance
          FROM ranked
          GROUP BY id
          ORDER BY score DESC, id
          LIMIT @limit)
        SELECT (SELECT count(*) FROM caller)::int AS agent_found,
               coalesce((SELECT rag FROM caller), false) AS rag,
               (SELECT ids FROM readable) AS spaces,
               f.id, f.score, f.vector_rank, f.text_rank, f.distance,
               c.document_id, d.name AS document_name, c.space_id, s.name AS space_name,
               c.ordinal, c.heading, c.char_start, c.char_end, left(c.content, @snippet) AS content
        FROM (SELECT 1) AS one
        LEFT JOIN fused f ON true
        LEFT JOIN knowledge_chunks c ON c.id = f.id
        LEFT JOIN knowledge_documents d ON d.id = c.document_id
        LEFT JOIN knowledge_spaces s ON s.id = c.space_id
        ORDER BY f.score DESC NULLS LAST, f.id
        """;

    /// <summary>
    /// The vector half alone, for measuring the index's recall: the HNSW path (<c>exact = false</c>) or an
    /// exact scan of every readable chunk (the distance expression is not the index's, so no index serves it),
    /// or, with <paramref name="halfPrecision"/> dimensions, by a half-precision HNSW index on
    /// <c>embedding::halfvec(n)</c> (the benchmark's comparison of the two).
    /// </summary>
    public static string VectorOnly(bool exact, int? halfPrecision = null) => CallerAndReadable + $"""

        SELECT c.id
        FROM knowledge_chunks c
        WHERE cardinality((SELECT ids FROM readable)) > 0
          AND c.space_id = ANY ((SELECT ids FROM readable)::bigint[])
          AND c.generation = (SELECT d.active_generation FROM knowledge_documents d WHERE d.id = c.document_id)
        ORDER BY {(exact ? "(c.embedding <=> @embedding) + 0, c.id"
            : halfPrecision is { } n ? $"c.embedding::halfvec({n}) <=> @embedding::halfvec({n})"
            : "c.embedding <=> @embedding")}
        LIMIT @limit
        """;

    /// <summary>Records a retrieval and its hits in one statement.</summary>
    public const string Record = """
        WITH retrieval AS (
          INSERT INTO knowledge_retrievals (company_id, agent_id, task_id, actor, query, space_filter, allowed, reason, spaces, hit_count, duration_ms, at)
          VALUES (@company_id, @agent_id, @task_id, @actor, @query, @space_filter, @allowed, @reason, @spaces, cardinality(@chunk_ids::bigint[]), @duration_ms, @at)
          RETURNING id),
        hits AS (
          INSERT INTO knowledge_retrieval_hits (retrieval_id, rank, chunk_id, document_id, document_name, space_id, ordinal, char_start, char_end, score, vector_rank, text_rank)
          SELECT retrieval.id, h.rank, h.chunk_id, h.document_id, h.document_name, h.space_id, h.ordinal, h.char_start, h.char_end, h.score,
                 nullif(h.vector_rank, 0), nullif(h.text_rank, 0)
          FROM retrieval,
               unnest(@ranks::int[], @chunk_ids::bigint[], @document_ids::bigint[], @document_names::text[], @space_ids::bigint[], @ordinals::int[],
                      @starts::int[], @ends::int[], @scores::float8[], @vector_ranks::int[], @text_ranks::int[])
               AS h (rank, chunk_id, document_id, document_name, space_id, ordinal, char_start, char_end, score, vector_rank, text_rank))
        SELECT id FROM retrieval
        """;

    private const string SelectRetrieval = """
        SELECT r.id, r.company_id, r.agent_id, r.task_id, r.actor, r.query, r.space_filter, r.allowed, r.reason, r.spaces, r.hit_count, r.duration_ms, r.at,
               coalesce((SELECT json_agg(json_build_object(
                   'rank', h.rank, 'chunkId', h.chunk_id, 'documentId', h.document_id, 'documentName', h.document_name, 'spaceId', h.space_id,
                   'ordinal', h.ordinal, 'charStart', h.char_start, 'charEnd', h.char_end, 'score', h.score,
                   'vectorRank', h.vector_rank, 'textRank', h.text_rank) ORDER BY h.rank)
                 FROM knowledge_retrieval_hits h WHERE h.retrieval_id = r.id), '[]')::text AS hits
        FROM knowledge_retrievals r
        """;

    public const string Retrievals = SelectRetrieval + """

        WHERE r.company_id = @company_id
          AND (@agent_id::bigint IS NULL OR r.agent_id = @agent_id)
          AND (@task_id::bigint IS NULL OR r.task_id = @task_id)
          AND (@allowed::boolean IS NULL OR r.allowed = @allowed)
          AND (@before::bigint IS NULL OR r.id < @before)
        ORDER BY r.id DESC
        LIMIT @limit
        """;
}
