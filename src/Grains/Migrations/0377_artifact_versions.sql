-- Artifact versions: an upload under a name its task (or agent) already holds is the next version of it, with
-- free-form metadata (a JSON object); earlier versions stay downloadable. A deleted version leaves the lists and
-- reads, and its number is never given again.
ALTER TABLE artifacts ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE artifacts ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';
ALTER TABLE artifacts ADD COLUMN deleted_at timestamptz NULL;
ALTER TABLE artifacts ADD COLUMN deleted_by text NULL;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_version_ck CHECK (version >= 1);
ALTER TABLE artifacts ADD CONSTRAINT artifacts_metadata_ck CHECK (jsonb_typeof(metadata) = 'object');
-- Serves the next version number of a task's artifact by name (ArtifactSql.Insert).
CREATE INDEX artifacts_task_name_ix ON artifacts (task_id, name, version) WHERE task_id IS NOT NULL;
