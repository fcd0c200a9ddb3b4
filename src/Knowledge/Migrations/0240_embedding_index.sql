-- The embedding model behind knowledge_chunks.embedding. The column's dimension follows the configured
-- model: at start-up a process compares the column (its typmod) and the model recorded here with its own
-- model; an empty index is resized and adopted, a filled one made by another model is refused for search
-- and ingestion until a re-embed (the knowledge.reembed activity, owned by the knowledge-index grain)
-- rewrites every chunk's vector with the configured model. One row.
CREATE TABLE knowledge_embedding_index (
  id                   int         NOT NULL DEFAULT 1,
  -- NULL: vectors written before this table existed, by a model nobody recorded.
  model                text        NULL,
  dimensions           int         NOT NULL,
  reembed_activity_id  uuid        NULL,
  reembed_model        text        NULL,
  reembed_dimensions   int         NULL,
  reembed_status       text        NULL,
  reembed_error        text        NULL,
  reembed_started_at   timestamptz NULL,
  reembed_finished_at  timestamptz NULL,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT knowledge_embedding_index_pk PRIMARY KEY (id),
  CONSTRAINT knowledge_embedding_index_one_ck CHECK (id = 1),
  CONSTRAINT knowledge_embedding_index_dimensions_ck CHECK (dimensions BETWEEN 1 AND 16000),
  CONSTRAINT knowledge_embedding_index_reembed_ck CHECK (reembed_status IS NULL OR reembed_status IN ('running', 'completed', 'failed'))
);
INSERT INTO knowledge_embedding_index (id, model, dimensions) VALUES (1, NULL, 384);

-- A re-embed writes the new vectors here, batch by batch (resumable), then swaps this column for
-- "embedding" in one transaction. NULL outside a re-embed.
ALTER TABLE knowledge_chunks ADD COLUMN embedding_next vector NULL;
