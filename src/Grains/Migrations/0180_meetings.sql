-- Meetings: a conversation between the CEO and agents, run by MeetingGrain (key = id), ending in
-- minutes (summary, decisions, risks, open questions) and calls to action that become tasks.

CREATE TABLE meetings (
  id                  bigint        GENERATED ALWAYS AS IDENTITY,
  company_id          bigint        NOT NULL,
  title               text          NOT NULL,
  goal                text          NOT NULL DEFAULT '',
  agenda              text[]        NOT NULL DEFAULT '{}',
  status              text          NOT NULL DEFAULT 'draft',
  max_rounds          int           NULL,
  max_tokens          bigint        NULL,
  budget              numeric(14,6) NULL,
  auto_dispatch       boolean       NOT NULL DEFAULT false,
  model               text          NULL,
  round               int           NOT NULL DEFAULT 0,
  -- The model call in flight: a participant's turn (turn_agent_id) or the synthesis (turn_agent_id NULL).
  activity_id         uuid          NULL,
  turn_agent_id       bigint        NULL,
  synthesis_attempts  int           NOT NULL DEFAULT 0,
  synthesis_feedback  text          NULL,
  end_reason          text          NULL,
  error               text          NULL,
  created_by          text          NOT NULL,
  created_at          timestamptz   NOT NULL,
  started_at          timestamptz   NULL,
  ended_at            timestamptz   NULL,
  updated_at          timestamptz   NOT NULL,
  version             bigint        NOT NULL DEFAULT 1,
  CONSTRAINT meetings_pk PRIMARY KEY (id),
  CONSTRAINT meetings_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT meetings_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT meetings_status_ck CHECK (status IN ('draft', 'running', 'synthesizing', 'completed', 'failed')),
  CONSTRAINT meetings_title_ck CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  CONSTRAINT meetings_limits_ck CHECK ((max_rounds IS NULL OR max_rounds BETWEEN 1 AND 50) AND (max_tokens IS NULL OR max_tokens >= 1) AND (budget IS NULL OR budget >= 0)),
  CONSTRAINT meetings_counts_ck CHECK (round >= 0 AND synthesis_attempts >= 0 AND version >= 1)
);
-- Serves the company's meeting list, newest first.
CREATE INDEX meetings_company_ix ON meetings (company_id, id DESC);

CREATE TABLE meeting_participants (
  meeting_id  bigint NOT NULL,
  company_id  bigint NOT NULL,
  agent_id    bigint NOT NULL,
  position    int    NOT NULL,
  CONSTRAINT meeting_participants_pk PRIMARY KEY (meeting_id, agent_id),
  CONSTRAINT meeting_participants_position_uq UNIQUE (meeting_id, position),
  CONSTRAINT meeting_participants_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE,
  CONSTRAINT meeting_participants_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE
);

-- The transcript: complete messages only, in order (seq). A participant's message is written in the
-- turn that receives its model call's answer, with that call's tokens and cost; activity_id makes
-- the write happen once. to_agent_id: a question addressed to one participant; answered_by_seq: the
-- message that answered it.
CREATE TABLE meeting_messages (
  id                bigint        GENERATED ALWAYS AS IDENTITY,
  company_id        bigint        NOT NULL,
  meeting_id        bigint        NOT NULL,
  seq               int           NOT NULL,
  round             int           NOT NULL,
  speaker_kind      text          NOT NULL,
  speaker           text          NOT NULL,
  speaker_agent_id  bigint        NULL,
  to_agent_id       bigint        NULL,
  body              text          NOT NULL,
  answered_by_seq   int           NULL,
  activity_id       uuid          NULL,
  input_tokens      int           NOT NULL DEFAULT 0,
  output_tokens     int           NOT NULL DEFAULT 0,
  cost              numeric(14,6) NOT NULL DEFAULT 0,
  at                timestamptz   NOT NULL,
  CONSTRAINT meeting_messages_pk PRIMARY KEY (id),
  CONSTRAINT meeting_messages_seq_uq UNIQUE (meeting_id, seq),
  CONSTRAINT meeting_messages_activity_uq UNIQUE (activity_id),
  CONSTRAINT meeting_messages_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE,
  CONSTRAINT meeting_messages_kind_ck CHECK (speaker_kind IN ('human', 'agent', 'system')),
  CONSTRAINT meeting_messages_agent_ck CHECK ((speaker_kind = 'agent') = (speaker_agent_id IS NOT NULL)),
  CONSTRAINT meeting_messages_body_ck CHECK (length(btrim(body)) BETWEEN 1 AND 20000)
);

-- Minutes: stored whole or not at all (one turn writes them with their decisions and CTAs).
CREATE TABLE meeting_minutes (
  meeting_id      bigint      NOT NULL,
  company_id      bigint      NOT NULL,
  summary         text        NOT NULL,
  risks           text[]      NOT NULL DEFAULT '{}',
  open_questions  text[]      NOT NULL DEFAULT '{}',
  model           text        NOT NULL,
  attempts        int         NOT NULL,
  created_at      timestamptz NOT NULL,
  CONSTRAINT meeting_minutes_pk PRIMARY KEY (meeting_id),
  CONSTRAINT meeting_minutes_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE,
  CONSTRAINT meeting_minutes_summary_ck CHECK (length(btrim(summary)) >= 1)
);

CREATE TABLE meeting_decisions (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  company_id  bigint NOT NULL,
  meeting_id  bigint NOT NULL,
  position    int    NOT NULL,
  body        text   NOT NULL,
  CONSTRAINT meeting_decisions_pk PRIMARY KEY (id),
  CONSTRAINT meeting_decisions_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT meeting_decisions_position_uq UNIQUE (meeting_id, position),
  CONSTRAINT meeting_decisions_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE
);

-- Calls to action. status: proposed (reviewable), dropped, dispatched (task_id set), refused (the
-- hierarchy policy refused the route: refusal_rule/refusal_reason say why; reassign and dispatch again).
-- route: the agents the task goes through, top manager first, the owner last.
CREATE TABLE meeting_ctas (
  id                 bigint      GENERATED ALWAYS AS IDENTITY,
  company_id         bigint      NOT NULL,
  meeting_id         bigint      NOT NULL,
  position           int         NOT NULL,
  title              text        NOT NULL,
  description        text        NOT NULL DEFAULT '',
  owner_agent_id     bigint      NULL,
  due_date           date        NULL,
  priority           text        NOT NULL DEFAULT 'normal',
  rationale          text        NOT NULL DEFAULT '',
  decision_id        bigint      NULL,
  status             text        NOT NULL DEFAULT 'proposed',
  task_id            bigint      NULL,
  assignee_agent_id  bigint      NULL,
  route              bigint[]    NOT NULL DEFAULT '{}',
  refusal_rule       text        NULL,
  refusal_reason     text        NULL,
  version            bigint      NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT meeting_ctas_pk PRIMARY KEY (id),
  CONSTRAINT meeting_ctas_position_uq UNIQUE (meeting_id, position),
  CONSTRAINT meeting_ctas_task_uq UNIQUE (task_id),
  CONSTRAINT meeting_ctas_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE,
  CONSTRAINT meeting_ctas_owner_fk FOREIGN KEY (company_id, owner_agent_id) REFERENCES agents (company_id, id) ON DELETE SET NULL (owner_agent_id),
  CONSTRAINT meeting_ctas_decision_fk FOREIGN KEY (company_id, decision_id) REFERENCES meeting_decisions (company_id, id) ON DELETE SET NULL (decision_id),
  CONSTRAINT meeting_ctas_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE SET NULL (task_id),
  CONSTRAINT meeting_ctas_status_ck CHECK (status IN ('proposed', 'dropped', 'dispatched', 'refused')),
  CONSTRAINT meeting_ctas_priority_ck CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  CONSTRAINT meeting_ctas_title_ck CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  CONSTRAINT meeting_ctas_refusal_ck CHECK ((status = 'refused') = (refusal_reason IS NOT NULL))
);
-- Serves "the task came from this CTA" (a task's origin, the meeting's live CTA status).
CREATE INDEX meeting_ctas_task_ix ON meeting_ctas (task_id) WHERE task_id IS NOT NULL;

-- Model calls and budget reservations of a meeting belong to the meeting, not to a task; the
-- synthesis call belongs to no agent.
ALTER TABLE llm_calls ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE llm_calls ALTER COLUMN agent_id DROP NOT NULL;
ALTER TABLE llm_calls ADD COLUMN meeting_id bigint NULL;
ALTER TABLE llm_calls ADD CONSTRAINT llm_calls_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE;
ALTER TABLE llm_calls ADD CONSTRAINT llm_calls_owner_ck CHECK (task_id IS NOT NULL OR meeting_id IS NOT NULL);
ALTER TABLE llm_calls ADD CONSTRAINT llm_calls_task_agent_ck CHECK (task_id IS NULL OR agent_id IS NOT NULL);
-- Serves a meeting's spend, per participant and in total, and its budget check.
CREATE INDEX llm_calls_meeting_ix ON llm_calls (meeting_id, agent_id) INCLUDE (input_tokens, output_tokens, cost) WHERE meeting_id IS NOT NULL;

ALTER TABLE budget_reservations ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE budget_reservations ALTER COLUMN agent_id DROP NOT NULL;
ALTER TABLE budget_reservations ADD COLUMN meeting_id bigint NULL;
ALTER TABLE budget_reservations ADD CONSTRAINT budget_reservations_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE;
ALTER TABLE budget_reservations ADD CONSTRAINT budget_reservations_owner_ck CHECK (task_id IS NOT NULL OR meeting_id IS NOT NULL);

-- Per-task and per-agent roll-ups leave out the calls that have no task or no agent.
CREATE OR REPLACE VIEW spend_by_task AS
SELECT company_id, task_id,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
WHERE task_id IS NOT NULL
GROUP BY company_id, task_id;

CREATE OR REPLACE VIEW spend_by_task_day AS
SELECT company_id, task_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
WHERE task_id IS NOT NULL
GROUP BY company_id, task_id, (at AT TIME ZONE 'UTC')::date;

CREATE OR REPLACE VIEW spend_by_agent_day AS
SELECT company_id, agent_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
WHERE agent_id IS NOT NULL
GROUP BY company_id, agent_id, (at AT TIME ZONE 'UTC')::date;

-- The Markdown export of a meeting is an artifact of the meeting.
ALTER TABLE artifacts ADD COLUMN meeting_id bigint NULL;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_meeting_fk FOREIGN KEY (company_id, meeting_id) REFERENCES meetings (company_id, id) ON DELETE CASCADE;
ALTER TABLE artifacts DROP CONSTRAINT artifacts_attached_ck;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_attached_ck CHECK (task_id IS NOT NULL OR agent_id IS NOT NULL OR meeting_id IS NOT NULL);
-- Serves a meeting's exports.
CREATE INDEX artifacts_meeting_ix ON artifacts (meeting_id, id) WHERE meeting_id IS NOT NULL;
