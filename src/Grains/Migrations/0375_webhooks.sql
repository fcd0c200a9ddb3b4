-- Outbound webhooks: the company's subscribers and the log of each delivery. The signing secret is kept
-- as ASP.NET Core Data Protection ciphertext and never leaves the server. Also the alert kinds that watch
-- the runtime: a dead letter and a silo lost.
CREATE TABLE webhooks (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  company_id   bigint      NOT NULL,
  url          text        NOT NULL,
  events       text[]      NOT NULL,
  secret       text        NOT NULL,
  description  text        NOT NULL DEFAULT '',
  enabled      boolean     NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL,
  created_by   text        NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT webhooks_pk PRIMARY KEY (id),
  CONSTRAINT webhooks_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT webhooks_url_ck CHECK (url ~ '^https?://' AND length(url) <= 2000),
  CONSTRAINT webhooks_events_ck CHECK (cardinality(events) >= 1)
);
-- Serves the webhook list and the subscribers of a fired alert.
CREATE INDEX webhooks_company_ix ON webhooks (company_id, id);

CREATE TABLE webhook_deliveries (
  id               bigint      GENERATED ALWAYS AS IDENTITY,
  company_id       bigint      NOT NULL,
  webhook_id       bigint      NOT NULL,
  activity_id      uuid        NOT NULL,
  event_type       text        NOT NULL,
  alert_id         bigint      NULL,
  payload          jsonb       NOT NULL,
  status           text        NOT NULL,
  attempts         int         NOT NULL DEFAULT 0,
  response_code    int         NULL,
  duration_ms      int         NULL,
  error            text        NULL,
  created_at       timestamptz NOT NULL,
  last_attempt_at  timestamptz NULL,
  finished_at      timestamptz NULL,
  CONSTRAINT webhook_deliveries_pk PRIMARY KEY (id),
  CONSTRAINT webhook_deliveries_webhook_fk FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_activity_uq UNIQUE (activity_id),
  CONSTRAINT webhook_deliveries_status_ck CHECK (status IN ('pending', 'retrying', 'delivered', 'failed'))
);
-- Serves the delivery log of one webhook, newest first.
CREATE INDEX webhook_deliveries_webhook_ix ON webhook_deliveries (webhook_id, id DESC);

ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_ck;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_ck
  CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing', 'dead_letter', 'silo_lost'));
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_ck;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_ck
  CHECK (kind IN ('task_failed', 'task_blocked', 'approval_waiting', 'budget_warning', 'budget_reached', 'schedule_failing', 'dead_letter', 'silo_lost'));
