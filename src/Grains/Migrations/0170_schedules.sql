-- Cyclic tasks: a template fired for one agent by a durable reminder (runtime.reminders, grain "schedule").
CREATE TABLE schedules (
  id                 bigint      GENERATED ALWAYS AS IDENTITY,
  company_id         bigint      NOT NULL,
  name               text        NOT NULL,
  agent_id           bigint      NOT NULL,
  template           jsonb       NOT NULL,
  interval_minutes   int         NULL,
  cron               text        NULL,
  time_zone          text        NOT NULL DEFAULT 'UTC',
  status             text        NOT NULL DEFAULT 'active',
  version            bigint      NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT schedules_pk PRIMARY KEY (id),
  CONSTRAINT schedules_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT schedules_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT schedules_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT schedules_timing_ck CHECK ((interval_minutes IS NULL) <> (cron IS NULL)),
  CONSTRAINT schedules_interval_ck CHECK (interval_minutes IS NULL OR interval_minutes BETWEEN 1 AND 527040),
  CONSTRAINT schedules_status_ck CHECK (status IN ('active', 'paused')),
  CONSTRAINT schedules_name_ck CHECK (length(btrim(name)) BETWEEN 1 AND 200)
);
-- Serves the company's schedule list.
CREATE INDEX schedules_company_ix ON schedules (company_id, id);

CREATE TABLE schedule_runs (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  company_id   bigint      NOT NULL,
  schedule_id  bigint      NOT NULL,
  due_at       timestamptz NOT NULL,
  fired_at     timestamptz NOT NULL,
  task_id      bigint      NULL,
  outcome      text        NOT NULL,
  reason       text        NULL,
  CONSTRAINT schedule_runs_pk PRIMARY KEY (id),
  CONSTRAINT schedule_runs_schedule_fk FOREIGN KEY (company_id, schedule_id) REFERENCES schedules (company_id, id) ON DELETE CASCADE,
  CONSTRAINT schedule_runs_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE SET NULL (task_id),
  CONSTRAINT schedule_runs_outcome_ck CHECK (outcome IN ('created', 'skipped'))
);
-- Serves a schedule's run history, newest first.
CREATE INDEX schedule_runs_schedule_ix ON schedule_runs (schedule_id, id DESC);
