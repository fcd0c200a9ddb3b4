-- Agent memory's vectors get a type and an approximate index. The column is typed to the default
-- embedding model's dimension (MiniLM, 384): a vector of another length (written by another model)
-- is cleared, so the memory.embed activity of a process configured with the default model can write it
-- again, and the item is found by its words meanwhile. An item is written without a vector in the
-- turn that stores it; the memory.embed activity fills it in outside any turn.
UPDATE agent_memory SET embedding = NULL, embedding_model = NULL
 WHERE embedding IS NOT NULL AND vector_dims(embedding) <> 384;

ALTER TABLE agent_memory ALTER COLUMN embedding TYPE vector(384);

-- Serves MemorySql.Search (vector_hits): ORDER BY embedding <=> @embedding LIMIT @k over live items, the
-- company and agents filtered during the scan (hnsw.iterative_scan, set by the statement's transaction).
CREATE INDEX agent_memory_embedding_ix ON agent_memory USING hnsw (embedding vector_cosine_ops)
  WITH (m = 16, ef_construction = 64) WHERE forgotten_at IS NULL;
COMMENT ON INDEX agent_memory_embedding_ix IS 'Serves MemorySql.Search (vector_hits): nearest live items, filtered by company and agents.';

-- Serves MemorySql.AgentsWithUnembedded and UnembeddedOfAgent: live items still waiting for their vector (the sweep at start-up).
CREATE INDEX agent_memory_unembedded_ix ON agent_memory (id) WHERE embedding IS NULL AND forgotten_at IS NULL;
COMMENT ON INDEX agent_memory_unembedded_ix IS 'Serves MemorySql.AgentsWithUnembedded and UnembeddedOfAgent: live items without a vector yet.';

COMMENT ON INDEX agent_memory_live_ix IS 'Serves MemorySql.List, and MemorySql.Search when scanning the agents'' live items exactly is cheaper than the HNSW walk (few items).';
