-- Worklog: an agent's progress notes on a task. step_key makes a replayed agent step idempotent.
CREATE TABLE worklog (
  id          bigint      GENERATED ALWAYS AS IDENTITY,
  company_id  bigint      NOT NULL,
  task_id     bigint      NOT NULL,
  agent_id    bigint      NULL,
  visibility  text        NOT NULL,
  body        text        NOT NULL,
  step_key    text        NULL,
  created_by  text        NULL,
  created_at  timestamptz NOT NULL,
  CONSTRAINT worklog_pk PRIMARY KEY (id),
  CONSTRAINT worklog_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT worklog_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE SET NULL (agent_id),
  CONSTRAINT worklog_visibility_ck CHECK (visibility IN ('agent', 'manager', 'project')),
  CONSTRAINT worklog_body_ck CHECK (length(btrim(body)) BETWEEN 1 AND 20000),
  CONSTRAINT worklog_step_key_ck CHECK (step_key IS NULL OR length(step_key) BETWEEN 1 AND 200),
  -- Serves the idempotency lookup "this task's entry for step S" (AddWorklogAsync).
  CONSTRAINT worklog_step_uq UNIQUE (task_id, step_key)
);
-- Serves a task's worklog in order (ListWorklogAsync).
CREATE INDEX worklog_task_ix ON worklog (task_id, id);

-- Artifacts: metadata in PostgreSQL, bytes in object storage (storage_key). Links carry a url instead.
CREATE TABLE artifacts (
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  company_id    bigint      NOT NULL,
  task_id       bigint      NULL,
  agent_id      bigint      NULL,
  kind          text        NOT NULL,
  name          text        NOT NULL,
  content_type  text        NULL,
  size_bytes    bigint      NULL,
  storage_key   text        NULL,
  sha256        text        NULL,
  url           text        NULL,
  step_key      text        NULL,
  created_by    text        NULL,
  created_at    timestamptz NOT NULL,
  CONSTRAINT artifacts_pk PRIMARY KEY (id),
  CONSTRAINT artifacts_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT artifacts_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT artifacts_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT artifacts_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE SET NULL (agent_id),
  CONSTRAINT artifacts_kind_ck CHECK (kind IN ('spec', 'file', 'link', 'post', 'avatar')),
  CONSTRAINT artifacts_attached_ck CHECK (task_id IS NOT NULL OR agent_id IS NOT NULL),
  CONSTRAINT artifacts_avatar_ck CHECK (kind <> 'avatar' OR (task_id IS NULL AND agent_id IS NOT NULL)),
  CONSTRAINT artifacts_content_ck CHECK (
    (kind = 'link' AND url IS NOT NULL AND storage_key IS NULL AND sha256 IS NULL AND size_bytes IS NULL)
    OR (kind <> 'link' AND url IS NULL AND storage_key IS NOT NULL AND sha256 IS NOT NULL AND size_bytes IS NOT NULL AND content_type IS NOT NULL)),
  CONSTRAINT artifacts_sha256_ck CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT artifacts_size_ck CHECK (size_bytes IS NULL OR size_bytes >= 0),
  CONSTRAINT artifacts_name_ck CHECK (length(btrim(name)) BETWEEN 1 AND 300),
  CONSTRAINT artifacts_step_key_ck CHECK (step_key IS NULL OR length(step_key) BETWEEN 1 AND 200)
);
-- Serves a task's artifacts (ListArtifactsAsync on a task).
CREATE INDEX artifacts_task_ix ON artifacts (task_id, id) WHERE task_id IS NOT NULL;
-- Serves an agent's artifacts (ListArtifactsAsync on an agent; removal on agent delete).
CREATE INDEX artifacts_agent_ix ON artifacts (agent_id, id) WHERE agent_id IS NOT NULL;
-- Serves the idempotency lookup of a task artifact by step (AttachArtifactAsync on a task).
CREATE UNIQUE INDEX artifacts_task_step_ux ON artifacts (task_id, step_key) WHERE task_id IS NOT NULL AND step_key IS NOT NULL;
-- Serves the idempotency lookup of an agent artifact by step (AttachArtifactAsync on an agent).
CREATE UNIQUE INDEX artifacts_agent_step_ux ON artifacts (agent_id, step_key) WHERE task_id IS NULL AND step_key IS NOT NULL;

ALTER TABLE agents ADD CONSTRAINT agents_avatar_fk
  FOREIGN KEY (company_id, avatar_artifact_id) REFERENCES artifacts (company_id, id) ON DELETE SET NULL (avatar_artifact_id);
