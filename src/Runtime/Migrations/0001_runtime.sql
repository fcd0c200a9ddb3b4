-- The runtime's own tables: inboxes and messages, dead letters, reminders, activities,
-- the event log and the silo directory. Domain tables live in later migrations.
CREATE SCHEMA IF NOT EXISTS runtime;

-- One row per grain that has ever received a message. The pump claims grains through it.
-- "version" is bumped by every sender so a pump can tell that new mail arrived during its turn.
CREATE TABLE runtime.inbox (
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  due_at       timestamptz NULL,
  version      bigint      NOT NULL DEFAULT 0,
  lease_owner  uuid        NULL,
  lease_until  timestamptz NULL,
  CONSTRAINT inbox_pk PRIMARY KEY (grain_type, grain_key)
);
-- Serves the pump's claim: grains with due mail, oldest first.
CREATE INDEX inbox_due_ix ON runtime.inbox (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE runtime.messages (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  message_type text        NOT NULL,
  payload      jsonb       NOT NULL,
  sender       text        NULL,
  enqueued_at  timestamptz NOT NULL,
  due_at       timestamptz NOT NULL,
  attempts     int         NOT NULL DEFAULT 0,
  last_error   text        NULL,
  CONSTRAINT messages_pk PRIMARY KEY (id),
  CONSTRAINT messages_attempts_ck CHECK (attempts >= 0)
);
-- Serves a turn reading its grain's queue head in FIFO order.
CREATE INDEX messages_grain_ix ON runtime.messages (grain_type, grain_key, id);

CREATE TABLE runtime.dead_letters (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  message_id   bigint      NOT NULL,
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  message_type text        NOT NULL,
  payload      jsonb       NOT NULL,
  sender       text        NULL,
  enqueued_at  timestamptz NOT NULL,
  attempts     int         NOT NULL,
  error        text        NOT NULL,
  dead_at      timestamptz NOT NULL,
  replayed_at  timestamptz NULL,
  CONSTRAINT dead_letters_pk PRIMARY KEY (id)
);
-- Serves the dead-letter list (newest first, unreplayed).
CREATE INDEX dead_letters_open_ix ON runtime.dead_letters (dead_at DESC) WHERE replayed_at IS NULL;

CREATE TABLE runtime.reminders (
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  name         text        NOT NULL,
  due_at       timestamptz NOT NULL,
  period_ms    bigint      NULL,
  cron         text        NULL,
  time_zone    text        NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT reminders_pk PRIMARY KEY (grain_type, grain_key, name),
  CONSTRAINT reminders_schedule_ck CHECK ((period_ms IS NULL) <> (cron IS NULL)),
  CONSTRAINT reminders_period_ck CHECK (period_ms IS NULL OR period_ms >= 1000)
);
-- Serves the reminder pump's claim of due reminders.
CREATE INDEX reminders_due_ix ON runtime.reminders (due_at);

CREATE TABLE runtime.activities (
  id            uuid        NOT NULL,
  grain_type    text        NOT NULL,
  grain_key     text        NOT NULL,
  kind          text        NOT NULL,
  input         jsonb       NOT NULL,
  status        text        NOT NULL,
  attempts      int         NOT NULL DEFAULT 0,
  max_attempts  int         NOT NULL,
  timeout_ms    bigint      NOT NULL,
  backoff_ms    bigint      NOT NULL,
  due_at        timestamptz NOT NULL,
  lease_owner   uuid        NULL,
  lease_until   timestamptz NULL,
  heartbeat_at  timestamptz NULL,
  progress      jsonb       NULL,
  result        jsonb       NULL,
  error         text        NULL,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz NULL,
  finished_at   timestamptz NULL,
  CONSTRAINT activities_pk PRIMARY KEY (id),
  CONSTRAINT activities_status_ck CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  CONSTRAINT activities_attempts_ck CHECK (max_attempts >= 1 AND attempts >= 0)
);
-- Serves the worker's claim of pending activities.
CREATE INDEX activities_pending_ix ON runtime.activities (due_at) WHERE status = 'pending';
-- Serves the reclaim of running activities whose lease expired.
CREATE INDEX activities_running_ix ON runtime.activities (lease_until) WHERE status = 'running';
-- Serves listing and cancelling a grain's activities.
CREATE INDEX activities_grain_ix ON runtime.activities (grain_type, grain_key);

-- The event log. "position" is (transaction id << 20) + sequence within the transaction: it orders
-- events in commit-safe order, so a reader that stops below the oldest running transaction never
-- skips an event that commits later.
CREATE TABLE runtime.events (
  position     bigint      NOT NULL,
  company_id   bigint      NULL,
  stream       text        NOT NULL,
  type         text        NOT NULL,
  payload      jsonb       NOT NULL,
  actor        text        NULL,
  at           timestamptz NOT NULL,
  CONSTRAINT events_pk PRIMARY KEY (position)
);
-- Serves a stream's timeline (task:42, agent:7...).
CREATE INDEX events_stream_ix ON runtime.events (stream, position);
-- Serves a company's catch-up "everything after P".
CREATE INDEX events_company_ix ON runtime.events (company_id, position);

CREATE TABLE runtime.silos (
  id            uuid        NOT NULL,
  name          text        NOT NULL,
  host          text        NOT NULL,
  pid           int         NOT NULL,
  role          text        NOT NULL,
  started_at    timestamptz NOT NULL,
  heartbeat_at  timestamptz NOT NULL,
  status        text        NOT NULL,
  stopped_at    timestamptz NULL,
  CONSTRAINT silos_pk PRIMARY KEY (id),
  CONSTRAINT silos_status_ck CHECK (status IN ('active', 'draining', 'stopped'))
);
