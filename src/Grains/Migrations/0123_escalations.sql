-- Escalations: an agent hands a problem up to its manager, or to the CEO seat (to_agent_id NULL),
-- whose inbox lists the open ones.
CREATE TABLE escalations (
  id             bigint      GENERATED ALWAYS AS IDENTITY,
  company_id     bigint      NOT NULL,
  from_agent_id  bigint      NOT NULL,
  to_agent_id    bigint      NULL,
  task_id        bigint      NULL,
  subject        text        NOT NULL,
  body           text        NOT NULL DEFAULT '',
  status         text        NOT NULL DEFAULT 'open',
  created_at     timestamptz NOT NULL,
  resolved_at    timestamptz NULL,
  resolved_by    text        NULL,
  resolution     text        NULL,
  CONSTRAINT escalations_pk PRIMARY KEY (id),
  CONSTRAINT escalations_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT escalations_from_fk FOREIGN KEY (company_id, from_agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT escalations_to_fk FOREIGN KEY (company_id, to_agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT escalations_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE,
  CONSTRAINT escalations_status_ck CHECK (status IN ('open', 'resolved')),
  CONSTRAINT escalations_resolved_ck CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CONSTRAINT escalations_subject_ck CHECK (length(btrim(subject)) BETWEEN 1 AND 300)
);
-- Serves the CEO inbox: open escalations addressed to the CEO seat.
CREATE INDEX escalations_ceo_open_ix ON escalations (company_id, id) WHERE to_agent_id IS NULL AND status = 'open';
-- Serves a manager agent's inbox of escalations from its reports.
CREATE INDEX escalations_manager_ix ON escalations (to_agent_id, id) WHERE to_agent_id IS NOT NULL;
