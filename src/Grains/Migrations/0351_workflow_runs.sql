-- Workflow runs: one run of a template at a pinned version, its steps, and every task a step ran as.
CREATE TABLE workflow_runs (
  id                bigint      GENERATED ALWAYS AS IDENTITY,
  company_id        bigint      NOT NULL,
  workflow_id       bigint      NOT NULL,
  workflow_version  bigint      NOT NULL,
  status            text        NOT NULL DEFAULT 'running',
  inputs            json        NOT NULL,
  error             text,
  started_by        text        NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  finished_at       timestamptz,
  CONSTRAINT workflow_runs_pk PRIMARY KEY (id),
  CONSTRAINT workflow_runs_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT workflow_runs_version_fk FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_versions (workflow_id, version) ON DELETE CASCADE,
  CONSTRAINT workflow_runs_workflow_fk FOREIGN KEY (company_id, workflow_id) REFERENCES workflows (company_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_runs_status_ck CHECK (status IN ('running', 'paused', 'compensating', 'completed', 'failed', 'cancelled'))
);

-- Serves the list of a workflow's runs, newest first.
CREATE INDEX workflow_runs_workflow_ix ON workflow_runs (company_id, workflow_id, id DESC);

-- One row per step of a run; task_id is the task of the current attempt.
CREATE TABLE workflow_run_steps (
  company_id   bigint      NOT NULL,
  run_id       bigint      NOT NULL,
  step_key     text        NOT NULL,
  position     int         NOT NULL,
  status       text        NOT NULL DEFAULT 'pending',
  attempt      int         NOT NULL DEFAULT 0,
  task_id      bigint,
  agent_id     bigint,
  result       json,
  error        text,
  retry_at     timestamptz,
  started_at   timestamptz,
  finished_at  timestamptz,
  CONSTRAINT workflow_run_steps_pk PRIMARY KEY (run_id, step_key),
  CONSTRAINT workflow_run_steps_run_fk FOREIGN KEY (company_id, run_id) REFERENCES workflow_runs (company_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_run_steps_status_ck CHECK (status IN ('pending', 'waiting', 'running', 'completed', 'failed', 'skipped', 'cancelled')),
  CONSTRAINT workflow_run_steps_attempt_ck CHECK (attempt >= 0)
);

-- Every task a step ran as (one per attempt): how a task's end reaches its run, and what the run cost.
CREATE TABLE workflow_step_tasks (
  task_id     bigint NOT NULL,
  company_id  bigint NOT NULL,
  run_id      bigint NOT NULL,
  step_key    text   NOT NULL,
  attempt     int    NOT NULL,
  CONSTRAINT workflow_step_tasks_pk PRIMARY KEY (task_id),
  CONSTRAINT workflow_step_tasks_step_fk FOREIGN KEY (run_id, step_key) REFERENCES workflow_run_steps (run_id, step_key) ON DELETE CASCADE,
  CONSTRAINT workflow_step_tasks_task_fk FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
);

-- Serves a run's cost (its steps' tasks joined to spend_by_task).
CREATE INDEX workflow_step_tasks_run_ix ON workflow_step_tasks (run_id, step_key);
