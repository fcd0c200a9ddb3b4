-- The web tool's log: every fetch (and search) an agent asked for, allowed or not, with what came back.
CREATE TABLE web_fetch_log (
  id            bigint        GENERATED ALWAYS AS IDENTITY,
  company_id    bigint        NOT NULL,
  agent_id      bigint        NULL,
  task_id       bigint        NULL,
  kind          text          NOT NULL,
  url           text          NOT NULL,
  final_url     text          NULL,
  outcome       text          NOT NULL,
  allowed       boolean       NOT NULL,
  reason        text          NULL,
  status_code   int           NULL,
  content_type  text          NULL,
  bytes         bigint        NOT NULL DEFAULT 0,
  truncated     boolean       NOT NULL DEFAULT false,
  redirects     int           NOT NULL DEFAULT 0,
  duration_ms   numeric(10,3) NOT NULL,
  at            timestamptz   NOT NULL,
  CONSTRAINT web_fetch_log_pk PRIMARY KEY (id),
  CONSTRAINT web_fetch_log_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT web_fetch_log_kind_ck CHECK (kind IN ('fetch', 'search')),
  CONSTRAINT web_fetch_log_outcome_ck CHECK (outcome IN ('ok', 'denied', 'error', 'timeout')),
  CONSTRAINT web_fetch_log_allowed_ck CHECK (allowed = (outcome <> 'denied')),
  CONSTRAINT web_fetch_log_reason_ck CHECK (outcome = 'ok' OR reason IS NOT NULL)
);
-- Serves the log of a company, newest first.
CREATE INDEX web_fetch_log_company_ix ON web_fetch_log (company_id, id DESC);
-- Serves the log of one agent.
CREATE INDEX web_fetch_log_agent_ix ON web_fetch_log (agent_id, id DESC) WHERE agent_id IS NOT NULL;

-- Requests counted against an agent's daily quota (UTC days): one row per agent and day, incremented
-- atomically before each request goes out.
CREATE TABLE web_quota_usage (
  agent_id    bigint NOT NULL,
  day         date   NOT NULL,
  company_id  bigint NOT NULL,
  used        int    NOT NULL,
  CONSTRAINT web_quota_usage_pk PRIMARY KEY (agent_id, day),
  CONSTRAINT web_quota_usage_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT web_quota_usage_used_ck CHECK (used >= 0)
);
