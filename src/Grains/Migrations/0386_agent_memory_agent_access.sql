-- Agent memory gets access paths keyed by agent, so a search reads the searched agents' items only, not the
-- whole table's.
--
-- Full text: the GIN index on tsv alone found every matching item of every agent, and the agent filter came after
-- the heap reads (at 100 agents, a hundred times the rows kept). btree_gin (a trusted contrib extension shipped
-- with PostgreSQL) lets one GIN index hold the agent and the words, so both conditions are met inside the index.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX agent_memory_agent_tsv_ix ON agent_memory USING gin (agent_id, tsv) WHERE forgotten_at IS NULL;
COMMENT ON INDEX agent_memory_agent_tsv_ix IS 'Serves MemorySql.Search (text_hits): tsv @@ query over the live items of the agents searched.';

DROP INDEX agent_memory_tsv_ix;

-- Vectors: measuring each of an agent's ten thousand items read ten thousand heap rows of 1.5 kB. A binary sketch of
-- each vector (one bit per dimension, pgvector's binary_quantize) is kept beside it, and a covering index of the
-- agent's live items holds the sketch and the columns the search filters on: the search ranks the agent's items by
-- the sketch's Hamming distance from the index alone (48 bytes an item), then measures the best of them exactly.
ALTER TABLE agent_memory ADD COLUMN embedding_bits bit(384) GENERATED ALWAYS AS (binary_quantize(embedding)::bit(384)) STORED;

CREATE INDEX agent_memory_agent_sketch_ix ON agent_memory (agent_id, id) INCLUDE (company_id, kind, valid_from, valid_to, embedding_bits)
  WHERE forgotten_at IS NULL;
COMMENT ON INDEX agent_memory_agent_sketch_ix IS 'Serves MemorySql.Search (sketched): the searched agents'' live items ranked by their vector''s binary sketch, index only.';
