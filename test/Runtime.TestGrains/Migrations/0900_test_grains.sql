-- Tables of the runtime's test grains. Each records enough to check an invariant from SQL.
CREATE SCHEMA IF NOT EXISTS testgrains;

CREATE TABLE testgrains.counters (key text PRIMARY KEY, value bigint NOT NULL);

-- One row per turn: overlapping intervals for one grain would prove two turns ran at once.
CREATE TABLE testgrains.turns (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grain text NOT NULL,
  silo text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL
);
CREATE INDEX turns_grain_ix ON testgrains.turns (grain, started_at);

-- Applied messages with the sender's message id: a duplicate apply shows as two rows for one id.
CREATE TABLE testgrains.applied (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id uuid NOT NULL,
  grain text NOT NULL,
  seq bigint NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE testgrains.accounts (key text PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));

CREATE TABLE testgrains.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, grain text NOT NULL, note text NOT NULL);

CREATE TABLE testgrains.ticks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grain text NOT NULL,
  name text NOT NULL,
  due_at timestamptz NOT NULL,
  fired_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Activity outcomes as the owner grain received them: a double delivery shows as two rows.
CREATE TABLE testgrains.activity_outcomes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  activity_id uuid NOT NULL,
  grain text NOT NULL,
  succeeded boolean NOT NULL,
  result jsonb NULL,
  error text NULL,
  attempts int NOT NULL
);

-- Every run of an activity handler (at least once): several rows per activity are allowed.
CREATE TABLE testgrains.activity_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  activity_id uuid NOT NULL,
  attempt int NOT NULL,
  silo text NOT NULL,
  outcome text NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX applied_message_ix ON testgrains.applied (message_id);
CREATE INDEX activity_outcomes_activity_ix ON testgrains.activity_outcomes (activity_id);
