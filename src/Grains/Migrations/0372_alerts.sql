-- Alerts: the company's rules (one per kind; a kind without a row takes its default) and the alerts
-- they raised. An alert is open until its condition clears; one open alert per condition, however often
-- the condition is seen again. The notification centre lists them, read or unread.
CREATE TABLE alert_rules (
  company_id         bigint      NOT NULL,
  kind               text        NOT NULL,
  enabled            boolean     NOT NULL,
  threshold_minutes  int         NOT NULL,
  updated_at         timestamptz NOT NULL,
  updated_by         text        NULL,
  CONSTRAINT alert_rules_pk PRIMARY KEY (company_id, kind),
  CONSTRAINT alert_rules_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT alert_rules_kind_ck CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing')),
  CONSTRAINT alert_rules_threshold_ck CHECK (threshold_minutes BETWEEN 0 AND 525600)
);

CREATE TABLE alerts (
  id             bigint      GENERATED ALWAYS AS IDENTITY,
  company_id     bigint      NOT NULL,
  kind           text        NOT NULL,
  condition_key  text        NOT NULL,
  subject        text        NOT NULL,
  detail         text        NOT NULL DEFAULT '',
  task_id        bigint      NULL,
  fired_at       timestamptz NOT NULL,
  resolved_at    timestamptz NULL,
  read_at        timestamptz NULL,
  read_by        text        NULL,
  CONSTRAINT alerts_pk PRIMARY KEY (id),
  CONSTRAINT alerts_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT alerts_kind_ck CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing'))
);
-- One open alert per condition: what makes an alert fire once.
CREATE UNIQUE INDEX alerts_open_uq ON alerts (company_id, condition_key) WHERE resolved_at IS NULL;
-- Serves the notification centre (newest first) and its unread count.
CREATE INDEX alerts_company_ix ON alerts (company_id, id DESC);
