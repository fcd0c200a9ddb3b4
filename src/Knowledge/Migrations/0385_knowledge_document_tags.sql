-- Document tags and metadata: tags are lower-cased labels a space's documents are filtered by;
-- metadata is a flat object of string values (author, source, valid until…) shown with the document.
-- Both are set on upload and edited afterwards (PATCH on the document); a re-upload keeps them
-- unless it sends new ones.
ALTER TABLE knowledge_documents
  ADD COLUMN tags     text[] NOT NULL DEFAULT '{}',
  ADD COLUMN metadata jsonb  NOT NULL DEFAULT '{}',
  ADD CONSTRAINT knowledge_documents_tags_ck CHECK (cardinality(tags) <= 20),
  ADD CONSTRAINT knowledge_documents_metadata_ck CHECK (jsonb_typeof(metadata) = 'object');

-- Serves the documents list filtered by tag (?tag=) and the search narrowed by tags.
CREATE INDEX knowledge_documents_tags_ix ON knowledge_documents USING gin (tags);
