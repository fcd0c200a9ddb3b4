-- The agent loop: one run per task (owned by TaskRunnerGrain, key = task id), the trace of every
-- model call and tool call, budget reservations, approval requests and clarification questions.

-- Where each task's loop stands. "conversation" is the chat so far (JSON array of messages);
-- "notes" are messages waiting to be appended once every tool call of the last answer has its result;
-- "artifacts" maps the tool call ids of the last answer to the objects its model-call activity stored;
-- "pending_result" is the result of a complete_task that waits for the task's subtasks;
-- "noted_approval_id" is the last approval of the task whose decision the agent was told.
CREATE TABLE task_runs (
  task_id            bigint      NOT NULL,
  company_id         bigint      NOT NULL,
  agent_id           bigint      NOT NULL,
  attempt            int         NOT NULL,
  step               int         NOT NULL DEFAULT 0,
  status             text        NOT NULL,
  model              text        NOT NULL,
  activity_id        uuid        NULL,
  conversation       jsonb       NOT NULL DEFAULT '[]',
  notes              jsonb       NOT NULL DEFAULT '[]',
  artifacts          jsonb       NOT NULL DEFAULT '{}',
  pending_result     text        NULL,
  noted_approval_id  bigint      NOT NULL DEFAULT 0,
  waiting_for        text        NULL,
  stop_reason        text        NULL,
  text_answers       int         NOT NULL DEFAULT 0,
  started_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT task_runs_pk PRIMARY KEY (task_id),
  CONSTRAINT task_runs_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT task_runs_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT task_runs_status_ck CHECK (status IN ('idle', 'calling', 'waiting', 'stopped')),
  CONSTRAINT task_runs_calling_ck CHECK ((status = 'calling') = (activity_id IS NOT NULL)),
  CONSTRAINT task_runs_counts_ck CHECK (attempt >= 1 AND step >= 0 AND text_answers >= 0),
  CONSTRAINT task_runs_json_ck CHECK (jsonb_typeof(conversation) = 'array' AND jsonb_typeof(notes) = 'array' AND jsonb_typeof(artifacts) = 'object')
);

-- Every model call, settled: tokens, cost (USD, from the price table), duration. Project and
-- department are copied at call time so roll-ups do not move when a task or an agent does.
CREATE TABLE llm_calls (
  id               bigint        GENERATED ALWAYS AS IDENTITY,
  company_id       bigint        NOT NULL,
  task_id          bigint        NOT NULL,
  agent_id         bigint        NOT NULL,
  project          text          NULL,
  department       text          NULL,
  attempt          int           NOT NULL,
  step             int           NOT NULL,
  activity_id      uuid          NOT NULL,
  model            text          NOT NULL,
  input_tokens     int           NOT NULL,
  output_tokens    int           NOT NULL,
  cost             numeric(14,6) NOT NULL,
  duration_ms      bigint        NOT NULL,
  finish_reason    text          NULL,
  tool_calls       int           NOT NULL DEFAULT 0,
  succeeded        boolean       NOT NULL,
  error            text          NULL,
  reserved_tokens  bigint        NOT NULL DEFAULT 0,
  reserved_cost    numeric(14,6) NOT NULL DEFAULT 0,
  at               timestamptz   NOT NULL,
  CONSTRAINT llm_calls_pk PRIMARY KEY (id),
  -- One row per activity: an outcome is settled once, whatever happens around it.
  CONSTRAINT llm_calls_activity_uq UNIQUE (activity_id),
  CONSTRAINT llm_calls_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT llm_calls_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT llm_calls_usage_ck CHECK (input_tokens >= 0 AND output_tokens >= 0 AND cost >= 0 AND duration_ms >= 0),
  CONSTRAINT llm_calls_error_ck CHECK (succeeded OR error IS NOT NULL)
);
-- Serves a task's trace (ListLlmCallsAsync) and the per-task roll-up.
CREATE INDEX llm_calls_task_ix ON llm_calls (task_id, id);
-- Serves an agent's budget check (tokens today / this month, total cost) and its spend.
CREATE INDEX llm_calls_agent_at_ix ON llm_calls (agent_id, at) INCLUDE (input_tokens, output_tokens, cost);
-- Serves the company's monthly budget check and the company's spend reports.
CREATE INDEX llm_calls_company_at_ix ON llm_calls (company_id, at) INCLUDE (cost);

-- Every tool call an agent made, allowed or denied. step_key = "{attempt}:{step}:{tool call id}".
CREATE TABLE tool_calls (
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  company_id    bigint      NOT NULL,
  task_id       bigint      NOT NULL,
  agent_id      bigint      NOT NULL,
  attempt       int         NOT NULL,
  step          int         NOT NULL,
  tool_call_id  text        NOT NULL,
  step_key      text        NOT NULL,
  tool          text        NOT NULL,
  arguments     jsonb       NOT NULL,
  allowed       boolean     NOT NULL,
  outcome       text        NOT NULL,
  reason        text        NULL,
  result        text        NOT NULL,
  refs          jsonb       NULL,
  duration_ms   bigint      NOT NULL,
  at            timestamptz NOT NULL,
  CONSTRAINT tool_calls_pk PRIMARY KEY (id),
  -- Serves the replay check "was this step's call already run" and forbids running it twice.
  CONSTRAINT tool_calls_step_uq UNIQUE (task_id, step_key),
  CONSTRAINT tool_calls_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT tool_calls_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT tool_calls_outcome_ck CHECK (outcome IN ('ok', 'denied', 'error', 'waiting', 'skipped')),
  CONSTRAINT tool_calls_allowed_ck CHECK (allowed = (outcome <> 'denied')),
  CONSTRAINT tool_calls_step_key_ck CHECK (length(step_key) BETWEEN 1 AND 200)
);
-- Serves a task's trace (ListToolCallsAsync, the done steps of a new attempt).
CREATE INDEX tool_calls_task_ix ON tool_calls (task_id, id);

-- Budget held by model calls in flight: checked with the settled spend, under a row lock on the
-- agent (and the company when it has a budget), so concurrent calls cannot overspend together.
CREATE TABLE budget_reservations (
  id           bigint        GENERATED ALWAYS AS IDENTITY,
  company_id   bigint        NOT NULL,
  agent_id     bigint        NOT NULL,
  task_id      bigint        NOT NULL,
  activity_id  uuid          NOT NULL,
  tokens       bigint        NOT NULL,
  cost         numeric(14,6) NOT NULL,
  created_at   timestamptz   NOT NULL,
  CONSTRAINT budget_reservations_pk PRIMARY KEY (id),
  -- Serves settling or releasing the reservation of one call.
  CONSTRAINT budget_reservations_activity_uq UNIQUE (activity_id),
  CONSTRAINT budget_reservations_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT budget_reservations_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT budget_reservations_amount_ck CHECK (tokens >= 0 AND cost >= 0)
);
-- Serves the agent's reserved total in the budget check.
CREATE INDEX budget_reservations_agent_ix ON budget_reservations (agent_id);
-- Serves the company's reserved total in the budget check.
CREATE INDEX budget_reservations_company_ix ON budget_reservations (company_id);

-- The company's monthly budget for model calls (USD); no row or a NULL limit: none.
CREATE TABLE company_budgets (
  company_id     bigint        NOT NULL,
  monthly_limit  numeric(14,4) NULL,
  updated_at     timestamptz   NOT NULL,
  updated_by     text          NULL,
  CONSTRAINT company_budgets_pk PRIMARY KEY (company_id),
  CONSTRAINT company_budgets_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT company_budgets_limit_ck CHECK (monthly_limit IS NULL OR monthly_limit >= 0)
);

-- Approval requests: an action an agent wants to take (publication, spending, external) or a budget
-- raise. Owned by ApprovalGrain (key = id); the agent loop records them with the step that asked.
CREATE TABLE approvals (
  id              bigint        GENERATED ALWAYS AS IDENTITY,
  company_id      bigint        NOT NULL,
  task_id         bigint        NOT NULL,
  agent_id        bigint        NOT NULL,
  kind            text          NOT NULL,
  action          text          NOT NULL,
  reason          text          NOT NULL DEFAULT '',
  amount          numeric(14,4) NULL,
  budget_limit    text          NULL,
  current_limit   numeric(18,4) NULL,
  proposed_limit  numeric(18,4) NULL,
  status          text          NOT NULL DEFAULT 'pending',
  step_key        text          NOT NULL,
  requested_at    timestamptz   NOT NULL,
  expires_at      timestamptz   NULL,
  decided_at      timestamptz   NULL,
  decided_by      text          NULL,
  comment         text          NULL,
  CONSTRAINT approvals_pk PRIMARY KEY (id),
  -- Serves the replay check of the step that asked.
  CONSTRAINT approvals_step_uq UNIQUE (task_id, step_key),
  CONSTRAINT approvals_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT approvals_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT approvals_kind_ck CHECK (kind IN ('publication', 'spending', 'external', 'budget_raise', 'other')),
  CONSTRAINT approvals_status_ck CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  CONSTRAINT approvals_decided_ck CHECK ((status = 'pending') = (decided_at IS NULL)),
  CONSTRAINT approvals_budget_ck CHECK ((kind = 'budget_raise') = (budget_limit IS NOT NULL)),
  CONSTRAINT approvals_budget_limit_ck CHECK (budget_limit IS NULL OR budget_limit IN ('agent_tokens_per_day', 'agent_tokens_per_month', 'agent_max_cost', 'company_monthly_budget')),
  CONSTRAINT approvals_action_ck CHECK (length(btrim(action)) BETWEEN 1 AND 300)
);
-- Serves the approvals inbox: a company's requests by status, oldest first.
CREATE INDEX approvals_company_status_ix ON approvals (company_id, status, id);
-- Serves "the pending request of this task" (decisions taken on the task itself).
CREATE INDEX approvals_task_ix ON approvals (task_id, id);

-- Questions an agent asked the creator of its task ("human:3" or "agent:7"); the task is blocked
-- until the answer comes. "delivered" marks an answer already put in the agent's conversation.
CREATE TABLE clarifications (
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  company_id    bigint      NOT NULL,
  task_id       bigint      NOT NULL,
  agent_id      bigint      NOT NULL,
  asked_of      text        NOT NULL,
  question      text        NOT NULL,
  status        text        NOT NULL DEFAULT 'open',
  answer        text        NULL,
  delivered     boolean     NOT NULL DEFAULT false,
  step_key      text        NOT NULL,
  asked_at      timestamptz NOT NULL,
  answered_at   timestamptz NULL,
  answered_by   text        NULL,
  CONSTRAINT clarifications_pk PRIMARY KEY (id),
  -- Serves the replay check of the step that asked.
  CONSTRAINT clarifications_step_uq UNIQUE (task_id, step_key),
  CONSTRAINT clarifications_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT clarifications_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT clarifications_status_ck CHECK (status IN ('open', 'answered')),
  CONSTRAINT clarifications_answered_ck CHECK ((status = 'answered') = (answered_at IS NOT NULL AND answer IS NOT NULL)),
  CONSTRAINT clarifications_question_ck CHECK (length(btrim(question)) BETWEEN 1 AND 4000)
);
-- Serves the list of a company's questions by status, oldest first.
CREATE INDEX clarifications_company_status_ix ON clarifications (company_id, status, id);
-- Serves "this task's questions" (delivering answers to the loop).
CREATE INDEX clarifications_task_ix ON clarifications (task_id, id);
