-- Event triggers: a trigger of kind 'event' follows the committed event log and, for each event of its type whose
-- payload meets its condition, starts a run of its workflow (inputs from a template) or creates a task. Its firings
-- are recorded per (trigger, event), at most once. Tasks and runs started by a trigger carry their causation depth.
ALTER TABLE workflow_triggers ALTER COLUMN workflow_id DROP NOT NULL;
ALTER TABLE workflow_triggers ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE workflow_triggers DROP CONSTRAINT workflow_triggers_kind_ck;
ALTER TABLE workflow_triggers
  ADD COLUMN event_type     text,
  ADD COLUMN condition      text,
  ADD COLUMN target         text NOT NULL DEFAULT 'workflow',
  ADD COLUMN inputs         jsonb,         -- the run's inputs, ${payload.…} references filled in from the event
  ADD COLUMN task_template  jsonb,         -- title, description, agentId, priority, project of the task to create
  ADD COLUMN last_error     text,
  ADD COLUMN last_error_at  timestamptz,
  ADD CONSTRAINT workflow_triggers_kind_ck CHECK (kind IN ('webhook', 'event')),
  ADD CONSTRAINT workflow_triggers_target_ck CHECK (target IN ('workflow', 'task')),
  ADD CONSTRAINT workflow_triggers_webhook_ck CHECK (kind <> 'webhook' OR (secret IS NOT NULL AND workflow_id IS NOT NULL AND target = 'workflow')),
  ADD CONSTRAINT workflow_triggers_event_ck CHECK (kind <> 'event' OR (event_type IS NOT NULL
      AND (target = 'workflow' AND workflow_id IS NOT NULL OR target = 'task' AND task_template IS NOT NULL)));

-- Serves the dispatcher's lookup of the enabled event triggers of an event's company and type.
CREATE INDEX workflow_triggers_event_ix ON workflow_triggers (company_id, event_type) WHERE kind = 'event' AND enabled;

-- Serves the company's list of triggers.
CREATE INDEX workflow_triggers_company_ix ON workflow_triggers (company_id, id);

ALTER TABLE workflow_trigger_firings DROP CONSTRAINT workflow_trigger_firings_outcome_ck;
ALTER TABLE workflow_trigger_firings
  ADD COLUMN event_position  bigint,
  ADD COLUMN event_type      text,
  ADD COLUMN task_id         bigint,
  ADD COLUMN depth           int NOT NULL DEFAULT 0,
  ADD COLUMN attempts        int NOT NULL DEFAULT 1,
  ADD CONSTRAINT workflow_trigger_firings_outcome_ck CHECK (outcome IN ('started', 'rejected', 'skipped', 'limited', 'failed'));

-- Each (trigger, event) pair fires at most once, whatever came of it: redelivery and restarts find the row.
CREATE UNIQUE INDEX workflow_trigger_firings_event_uq ON workflow_trigger_firings (trigger_id, event_position) WHERE event_position IS NOT NULL;

-- Serves the rate limit: a trigger's started firings of the last minute.
CREATE INDEX workflow_trigger_firings_recent_ix ON workflow_trigger_firings (trigger_id, created_at) WHERE outcome = 'started';

-- How many trigger firings led to this task or run (0: started by a person, an agent or a schedule).
ALTER TABLE tasks ADD COLUMN trigger_depth int NOT NULL DEFAULT 0;
ALTER TABLE workflow_runs ADD COLUMN trigger_depth int NOT NULL DEFAULT 0;

-- Where the event triggers have read the event log to (one row): every event after it is yet to be matched.
CREATE TABLE event_trigger_cursor (
  id          int         NOT NULL DEFAULT 1,
  position    bigint      NOT NULL,
  updated_at  timestamptz NOT NULL,
  CONSTRAINT event_trigger_cursor_pk PRIMARY KEY (id),
  CONSTRAINT event_trigger_cursor_single_ck CHECK (id = 1)
);

-- Schedules that start a workflow run (with inputs) instead of creating a task.
ALTER TABLE schedules
  ADD COLUMN workflow_id      bigint,
  ADD COLUMN workflow_inputs  jsonb,
  ADD CONSTRAINT schedules_workflow_fk FOREIGN KEY (company_id, workflow_id) REFERENCES workflows (company_id, id) ON DELETE CASCADE;
ALTER TABLE schedule_runs DROP CONSTRAINT schedule_runs_outcome_ck;
ALTER TABLE schedule_runs
  ADD COLUMN run_id bigint,
  ADD CONSTRAINT schedule_runs_run_fk FOREIGN KEY (company_id, run_id) REFERENCES workflow_runs (company_id, id) ON DELETE SET NULL (run_id),
  ADD CONSTRAINT schedule_runs_outcome_ck CHECK (outcome IN ('created', 'skipped', 'started', 'failed'));

-- A trigger that failed to start its run or task raises an alert of its own kind.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_ck;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_ck
  CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing', 'dead_letter', 'silo_lost', 'trigger_failing'));
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_ck;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_ck
  CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing', 'dead_letter', 'silo_lost', 'trigger_failing'));
