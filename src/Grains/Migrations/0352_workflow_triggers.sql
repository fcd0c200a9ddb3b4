-- Workflow triggers: a signed inbound webhook that starts a run of its workflow, and the history of its firings.
CREATE TABLE workflow_triggers (
  id                     bigint      GENERATED ALWAYS AS IDENTITY,
  company_id             bigint      NOT NULL,
  workflow_id            bigint      NOT NULL,
  kind                   text        NOT NULL DEFAULT 'webhook',
  name                   text        NOT NULL,
  secret                 text        NOT NULL, -- Data Protection ciphertext (a purpose per company), never shown again
  enabled                boolean     NOT NULL DEFAULT true,
  replay_window_seconds  int         NOT NULL DEFAULT 300,
  created_by             text        NOT NULL,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  CONSTRAINT workflow_triggers_pk PRIMARY KEY (id),
  CONSTRAINT workflow_triggers_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT workflow_triggers_workflow_fk FOREIGN KEY (company_id, workflow_id) REFERENCES workflows (company_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_triggers_kind_ck CHECK (kind IN ('webhook')),
  CONSTRAINT workflow_triggers_replay_window_ck CHECK (replay_window_seconds BETWEEN 30 AND 86400)
);

-- Serves the list of a workflow's triggers.
CREATE INDEX workflow_triggers_workflow_ix ON workflow_triggers (company_id, workflow_id, id);

-- Each time a trigger was fired: the delivery, what came of it, and the run it started.
CREATE TABLE workflow_trigger_firings (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  company_id   bigint      NOT NULL,
  trigger_id   bigint      NOT NULL,
  delivery_id  text        NOT NULL,
  outcome      text        NOT NULL,
  run_id       bigint,
  error        text,
  created_at   timestamptz NOT NULL,
  CONSTRAINT workflow_trigger_firings_pk PRIMARY KEY (id),
  CONSTRAINT workflow_trigger_firings_trigger_fk FOREIGN KEY (company_id, trigger_id) REFERENCES workflow_triggers (company_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_trigger_firings_outcome_ck CHECK (outcome IN ('started', 'rejected'))
);

-- A delivery starts at most one run of its trigger (a rejected one may be sent again once fixed); serves the duplicate check.
CREATE UNIQUE INDEX workflow_trigger_firings_delivery_uq ON workflow_trigger_firings (trigger_id, delivery_id) WHERE outcome = 'started';

-- Serves the firing history of a trigger, newest first.
CREATE INDEX workflow_trigger_firings_trigger_ix ON workflow_trigger_firings (company_id, trigger_id, id DESC);
