namespace FluidManager.Knowledge.Embeddings;

/// <summary>The statements of the embedding index: its check at start-up, its resizing and the re-embed.</summary>
internal static class EmbeddingIndexSql
{
    /// <summary>Transaction-scoped: one process at a time checks, resizes or swaps the index.</summary>
    public const string Lock = "SELECT pg_advisory_xact_lock(hashtext('fluid.knowledge.embedding_index'))";

    /// <summary>The recorded model, the column's dimension (its typmod) and whether any chunk exists.</summary>
    public const string State = """
        SELECT i.model, i.dimensions,
               (SELECT a.atttypmod FROM pg_attribute a WHERE a.attrelid = 'knowledge_chunks'::regclass AND a.attname = 'embedding') AS column_dimensions,
               EXISTS (SELECT 1 FROM knowledge_chunks) AS has_chunks,
               i.reembed_activity_id, i.reembed_model, i.reembed_dimensions, i.reembed_status, i.reembed_error, i.reembed_started_at, i.reembed_finished_at,
               (SELECT a.progress::text FROM runtime.activities a WHERE a.id = i.reembed_activity_id) AS progress
        FROM knowledge_embedding_index i
        WHERE i.id = 1
        """;

    public const string DropVectorIndex = "DROP INDEX IF EXISTS knowledge_chunks_embedding_ix";

    /// <summary>Only for an empty table: the type change rewrites nothing.</summary>
    public static string Resize(int dimensions) => $"ALTER TABLE knowledge_chunks ALTER COLUMN embedding TYPE vector({dimensions})";

    /// <summary>The HNSW index of migration 0200 (pgvector indexes vectors of up to 2,000 dimensions).</summary>
    public const string CreateVectorIndex = """
        CREATE INDEX knowledge_chunks_embedding_ix ON knowledge_chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
        COMMENT ON INDEX knowledge_chunks_embedding_ix IS 'Serves KnowledgeSql.Search (vector_hits): ORDER BY embedding <=> @query LIMIT @vector_k, ACL-filtered by space_id.'
        """;

    /// <summary>pgvector's limit for an HNSW index on <c>vector</c>.</summary>
    public const int MaxIndexedDimensions = 2000;

    public const string Adopt = """
        UPDATE knowledge_embedding_index SET model = @model, dimensions = @dimensions, updated_at = now() WHERE id = 1
        """;

    public const string StartReembed = """
        UPDATE knowledge_embedding_index
        SET reembed_activity_id = @activity_id, reembed_model = @model, reembed_dimensions = @dimensions, reembed_status = 'running',
            reembed_error = NULL, reembed_started_at = @now, reembed_finished_at = NULL, updated_at = @now
        WHERE id = 1
        """;

    public const string FinishReembed = """
        UPDATE knowledge_embedding_index
        SET reembed_status = @status, reembed_error = @error, reembed_finished_at = @now, updated_at = @now
        WHERE id = 1 AND reembed_activity_id = @activity_id
        """;

    public const string CountChunks = """
        SELECT count(*)::int AS total, count(embedding_next)::int AS done, coalesce(max(id) FILTER (WHERE embedding_next IS NOT NULL), 0) AS after
        FROM knowledge_chunks
        """;

    /// <summary>The next chunks to re-embed, in id order after the last one done.</summary>
    public const string NextChunks = """
        SELECT id, heading, content FROM knowledge_chunks WHERE id > @after AND embedding_next IS NULL ORDER BY id LIMIT @limit
        """;

    public const string WriteNext = """
        UPDATE knowledge_chunks c SET embedding_next = v.embedding
        FROM unnest(@ids::bigint[], @embeddings::vector[]) AS v (id, embedding)
        WHERE c.id = v.id
        """;

    /// <summary>Stops writers of chunks until the swap commits.</summary>
    public const string LockChunks = "LOCK TABLE knowledge_chunks IN SHARE ROW EXCLUSIVE MODE";

    public const string AnyLeft = "SELECT EXISTS (SELECT 1 FROM knowledge_chunks WHERE embedding_next IS NULL)";

    /// <summary>The new vectors become the column (typed to the new dimension); the staging column is emptied at no cost.</summary>
    public static string Swap(int dimensions) => $"""
        ALTER TABLE knowledge_chunks ALTER COLUMN embedding TYPE vector({dimensions}) USING embedding_next::vector({dimensions});
        ALTER TABLE knowledge_chunks DROP COLUMN embedding_next;
        ALTER TABLE knowledge_chunks ADD COLUMN embedding_next vector NULL
        """;
}
