-- The SQL tool. Agents' statements run as the role fluid_sql_reader inside a read-only transaction
-- (SqlToolExecutor). PostgreSQL itself enforces what they may read:
--   * the role holds SELECT on the allowlisted views below and nothing else (no table, no other schema);
--   * each view calls fluid_sql.allow('<source>'), which raises insufficient_privilege unless the calling
--     agent (fluid.agent_id, set by the executor) has the sql tool and the source among its data sources;
--   * each view keeps the caller's company only, and the progress views only the rows of the caller and
--     of the agents reporting to it (security_barrier views: the caller's own predicates run after these).

CREATE SCHEMA fluid_sql;

-- The calling agent and company, as set (transaction-locally) by SqlToolExecutor.
CREATE FUNCTION fluid_sql.agent_id() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('fluid.agent_id', true), '')::bigint $$;

CREATE FUNCTION fluid_sql.company_id() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('fluid.company_id', true), '')::bigint $$;

-- The gate of every data-source view: true when the calling agent may read the source (the view's
-- name, or its schema), otherwise an insufficient_privilege error that names the source. STABLE and
-- argument-constant, so the planner evaluates it once per statement, before any row is read.
CREATE FUNCTION fluid_sql.allow(source text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller  bigint := nullif(current_setting('fluid.agent_id', true), '')::bigint;
  company bigint := nullif(current_setting('fluid.company_id', true), '')::bigint;
BEGIN
  IF caller IS NULL OR company IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = format('permission denied for data source %s: no calling agent (data sources are read through the sql tool)', source);
  END IF;
  IF EXISTS (
    SELECT 1 FROM public.agents a
    WHERE a.id = caller AND a.company_id = company AND a.status = 'active' AND 'sql' = ANY (a.allowed_tools)
      AND EXISTS (SELECT 1 FROM unnest(a.sql_sources) g WHERE lower(btrim(g)) IN (lower(source), split_part(lower(source), '.', 1)))) THEN
    RETURN true;
  END IF;
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = format('permission denied for data source %s: it is not granted to agent %s', source, caller),
    HINT = 'Data sources are granted per agent by the CEO.';
END
$$;

-- The calling agent and every agent reporting to it, directly or not (the current org chart).
CREATE FUNCTION fluid_sql.visible_agents() RETURNS SETOF bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  WITH RECURSIVE team (id) AS (
    SELECT a.id FROM public.agents a
    WHERE a.id = nullif(current_setting('fluid.agent_id', true), '')::bigint
      AND a.company_id = nullif(current_setting('fluid.company_id', true), '')::bigint
    UNION
    SELECT e.subordinate_agent_id FROM public.org_edges e JOIN team t ON e.manager_agent_id = t.id
    WHERE e.effective_to IS NULL)
  SELECT id FROM team
$$;

-- ---- The demo CRM: data in crm_data (never granted), views in crm.
CREATE SCHEMA crm_data;

CREATE TABLE crm_data.customers (
  company_id  bigint  NOT NULL,
  id          int     NOT NULL,
  name        text    NOT NULL,
  email       text    NOT NULL,
  country     text    NOT NULL,
  segment     text    NOT NULL,
  created_on  date    NOT NULL,
  CONSTRAINT customers_pk PRIMARY KEY (company_id, id),
  CONSTRAINT customers_company_fk FOREIGN KEY (company_id) REFERENCES public.companies (id) ON DELETE CASCADE
);

CREATE TABLE crm_data.orders (
  company_id   bigint        NOT NULL,
  id           int           NOT NULL,
  customer_id  int           NOT NULL,
  ordered_on   date          NOT NULL,
  status       text          NOT NULL,
  amount       numeric(12,2) NOT NULL,
  currency     text          NOT NULL,
  CONSTRAINT orders_pk PRIMARY KEY (company_id, id),
  CONSTRAINT orders_customer_fk FOREIGN KEY (company_id, customer_id) REFERENCES crm_data.customers (company_id, id) ON DELETE CASCADE,
  CONSTRAINT orders_status_ck CHECK (status IN ('paid', 'pending', 'refunded', 'cancelled')),
  CONSTRAINT orders_amount_ck CHECK (amount >= 0)
);
-- Serves joins of orders to their customer.
CREATE INDEX orders_customer_ix ON crm_data.orders (company_id, customer_id);

-- Fills the demo CRM of a company, the same rows on every run and machine (md5-derived picks).
-- Idempotent: existing rows are kept. Returns the number of customers the company then has.
CREATE FUNCTION fluid_sql.seed_demo_crm(p_company_id bigint, p_customers int DEFAULT 200) RETURNS int
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  first_names text[] := ARRAY['Ada','Bruno','Chloe','Dmitri','Elena','Farid','Grace','Hugo','Ines','Jonas','Keiko','Liam','Maya','Nils','Olga','Pablo','Quinn','Rosa','Sami','Tara'];
  last_names  text[] := ARRAY['Andersen','Baker','Costa','Dubois','Eriksen','Fischer','Garcia','Hansen','Ito','Jensen','Kowalski','Laurent','Moreau','Novak','Okafor','Petrov','Rossi','Silva','Tanaka','Weber'];
  countries   text[] := ARRAY['France','Germany','Spain','Italy','Netherlands','Sweden','Poland','Japan','Brazil','Canada','United States','United Kingdom'];
  segments    text[] := ARRAY['enterprise','mid-market','smb','smb','startup'];
  statuses    text[] := ARRAY['paid','paid','paid','paid','pending','refunded','cancelled'];
BEGIN
  IF p_customers < 0 OR p_customers > 100000 THEN
    RAISE EXCEPTION 'p_customers must be between 0 and 100000';
  END IF;

  INSERT INTO crm_data.customers (company_id, id, name, email, country, segment, created_on)
  SELECT p_company_id, i,
         f || ' ' || l,
         lower(f) || '.' || lower(l) || i || '@example.com',
         countries[1 + h3 % array_length(countries, 1)],
         segments[1 + h4 % array_length(segments, 1)],
         date '2023-01-01' + (h3 % 730)
  FROM generate_series(1, p_customers) i
  CROSS JOIN LATERAL (SELECT ('x' || substr(md5('customer:' || i), 1, 7))::bit(28)::int AS h1,
                             ('x' || substr(md5('customer:' || i), 8, 7))::bit(28)::int AS h2,
                             ('x' || substr(md5('customer:' || i), 15, 7))::bit(28)::int AS h3,
                             ('x' || substr(md5('customer:' || i), 22, 7))::bit(28)::int AS h4) h
  CROSS JOIN LATERAL (SELECT first_names[1 + h.h1 % array_length(first_names, 1)] AS f,
                             last_names[1 + h.h2 % array_length(last_names, 1)] AS l) n
  ON CONFLICT DO NOTHING;

  INSERT INTO crm_data.orders (company_id, id, customer_id, ordered_on, status, amount, currency)
  SELECT p_company_id, c.id * 10 + k, c.id,
         date '2025-01-01' + (('x' || substr(md5('order:' || c.id || ':' || k), 1, 7))::bit(28)::int % 365),
         statuses[1 + ('x' || substr(md5('order:' || c.id || ':' || k), 8, 7))::bit(28)::int % array_length(statuses, 1)],
         round((20 + ('x' || substr(md5('order:' || c.id || ':' || k), 15, 7))::bit(28)::int % 198000 / 100.0)::numeric, 2),
         'EUR'
  FROM crm_data.customers c
  CROSS JOIN LATERAL generate_series(1, 1 + ('x' || substr(md5('orders:' || c.id), 1, 7))::bit(28)::int % 6) k
  WHERE c.company_id = p_company_id
  ON CONFLICT DO NOTHING;

  RETURN (SELECT count(*)::int FROM crm_data.customers WHERE company_id = p_company_id);
END
$$;

CREATE SCHEMA crm;

CREATE VIEW crm.customers WITH (security_barrier) AS
  SELECT c.id, c.name, c.email, c.country, c.segment, c.created_on
  FROM crm_data.customers c
  WHERE fluid_sql.allow('crm.customers') AND c.company_id = fluid_sql.company_id();

CREATE VIEW crm.orders WITH (security_barrier) AS
  SELECT o.id, o.customer_id, o.ordered_on, o.status, o.amount, o.currency
  FROM crm_data.orders o
  WHERE fluid_sql.allow('crm.orders') AND o.company_id = fluid_sql.company_id();

-- ---- Progress views over the company's work: the calling agent's own rows and its reports'.
CREATE SCHEMA progress;

CREATE VIEW progress.tasks WITH (security_barrier) AS
  SELECT t.id, t.title, t.status, t.priority, t.project, t.assignee_agent_id, t.parent_task_id, t.created_by,
         t.deadline_at, t.started_at, t.finished_at, t.tokens_used, t.cost_estimate, t.created_at, t.updated_at
  FROM public.tasks t
  WHERE fluid_sql.allow('progress.tasks') AND t.company_id = fluid_sql.company_id()
    AND (t.assignee_agent_id IN (SELECT fluid_sql.visible_agents()) OR t.created_by = 'agent:' || fluid_sql.agent_id());

CREATE VIEW progress.blockers WITH (security_barrier) AS
  SELECT t.id AS task_id, t.title, t.status, t.status_reason AS reason, t.assignee_agent_id, t.deadline_at, t.updated_at AS since
  FROM public.tasks t
  WHERE fluid_sql.allow('progress.blockers') AND t.company_id = fluid_sql.company_id()
    AND t.status IN ('blocked', 'awaiting_approval')
    AND (t.assignee_agent_id IN (SELECT fluid_sql.visible_agents()) OR t.created_by = 'agent:' || fluid_sql.agent_id());

CREATE VIEW progress.worklog WITH (security_barrier) AS
  SELECT w.id, w.task_id, w.agent_id, w.visibility, w.body, w.created_at
  FROM public.worklog w
  JOIN public.tasks t ON t.id = w.task_id AND t.company_id = w.company_id
  WHERE fluid_sql.allow('progress.worklog') AND w.company_id = fluid_sql.company_id()
    AND (t.assignee_agent_id IN (SELECT fluid_sql.visible_agents()) OR t.created_by = 'agent:' || fluid_sql.agent_id())
    AND (w.visibility = 'project' OR w.agent_id = fluid_sql.agent_id()
         OR (w.visibility = 'manager' AND w.agent_id IN (SELECT fluid_sql.visible_agents())));

CREATE VIEW progress.kpis WITH (security_barrier) AS
  SELECT a.id AS agent_id, a.first_name || ' ' || a.last_name AS agent_name, a.role, a.department,
         count(t.id) FILTER (WHERE t.status NOT IN ('done', 'cancelled', 'failed'))::int AS open_tasks,
         count(t.id) FILTER (WHERE t.status IN ('blocked', 'awaiting_approval'))::int AS blocked_tasks,
         count(t.id) FILTER (WHERE t.status = 'done')::int AS done_tasks,
         count(t.id) FILTER (WHERE t.status = 'done' AND t.finished_at >= now() - interval '7 days')::int AS done_last_7_days,
         count(t.id) FILTER (WHERE t.status = 'failed')::int AS failed_tasks,
         count(t.id) FILTER (WHERE t.deadline_at < now() AND t.status NOT IN ('done', 'cancelled'))::int AS overdue_tasks,
         coalesce(sum(t.tokens_used), 0)::bigint AS tokens_used,
         coalesce(sum(t.cost_estimate), 0)::numeric(14,6) AS cost
  FROM public.agents a
  LEFT JOIN public.tasks t ON t.assignee_agent_id = a.id AND t.company_id = a.company_id
  WHERE fluid_sql.allow('progress.kpis') AND a.company_id = fluid_sql.company_id()
    AND a.id IN (SELECT fluid_sql.visible_agents())
  GROUP BY a.id;

-- ---- The catalogue of data sources the CEO may grant (an agent's profile lists granted names in
-- agents.sql_sources). A schema entry grants every view of that schema.
CREATE TABLE sql_sources (
  name         text NOT NULL,
  kind         text NOT NULL,
  description  text NOT NULL,
  sort         int  NOT NULL,
  CONSTRAINT sql_sources_pk PRIMARY KEY (name),
  CONSTRAINT sql_sources_kind_ck CHECK (kind IN ('schema', 'view')),
  CONSTRAINT sql_sources_name_ck CHECK (name ~ '^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$' AND (kind = 'schema') = (position('.' IN name) = 0))
);
INSERT INTO sql_sources (name, kind, description, sort) VALUES
  ('crm', 'schema', 'The demo CRM: every view of schema crm.', 10),
  ('crm.customers', 'view', 'Customers: id, name, email, country, segment, created_on.', 11),
  ('crm.orders', 'view', 'Orders: id, customer_id, ordered_on, status (paid, pending, refunded, cancelled), amount, currency.', 12),
  ('progress', 'schema', 'Every progress view: tasks, blockers, worklog and KPIs of the agent and its reports.', 20),
  ('progress.tasks', 'view', 'Tasks of the agent and of the agents reporting to it, and tasks it created.', 21),
  ('progress.blockers', 'view', 'Blocked tasks and tasks awaiting approval, with the reason.', 22),
  ('progress.worklog', 'view', 'Worklog entries of those tasks that the agent may see.', 23),
  ('progress.kpis', 'view', 'Per agent (itself and its reports): open, blocked, done, failed and overdue tasks, tokens and cost.', 24);

-- ---- The reader role. Roles are cluster-wide while privileges are per database, so one NOLOGIN role
-- serves every database of a cluster; creating it tolerates a concurrent creation by another database's
-- migration. It must hold no attribute and no membership that could widen what it reads.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fluid_sql_reader') THEN
    BEGIN
      CREATE ROLE fluid_sql_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'fluid_sql_reader'
             AND (rolsuper OR rolcanlogin OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role fluid_sql_reader exists with privileged attributes: it must be NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
  END IF;
  IF EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'fluid_sql_reader') THEN
    RAISE EXCEPTION 'role fluid_sql_reader must not be a member of any role';
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'fluid_sql_reader', 'MEMBER') THEN
    EXECUTE format('GRANT fluid_sql_reader TO %I', current_user);
  END IF;
END
$$;

REVOKE ALL ON FUNCTION fluid_sql.allow(text), fluid_sql.visible_agents(), fluid_sql.seed_demo_crm(bigint, int) FROM PUBLIC;
GRANT USAGE ON SCHEMA fluid_sql, crm, progress TO fluid_sql_reader;
GRANT EXECUTE ON FUNCTION fluid_sql.allow(text), fluid_sql.visible_agents(), fluid_sql.agent_id(), fluid_sql.company_id() TO fluid_sql_reader;
GRANT SELECT ON crm.customers, crm.orders, progress.tasks, progress.blockers, progress.worklog, progress.kpis TO fluid_sql_reader;

-- ---- Hardening. Inside one statement, pg_catalog.set_config could change the calling agent
-- (fluid.agent_id) or the current role mid-query; it must not be callable by the reader. Revoking it
-- from PUBLIC needs a superuser: without one the SQL tool refuses to run (fail closed) and says what to run.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
    EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO %I', current_user);
    REVOKE EXECUTE ON FUNCTION pg_catalog.pg_logical_emit_message(boolean, text, text) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION pg_catalog.pg_logical_emit_message(boolean, text, bytea) FROM PUBLIC;
  ELSE
    RAISE NOTICE 'not a superuser: pg_catalog.set_config stays executable by PUBLIC, so the sql tool will refuse to run until a superuser revokes it';
  END IF;
END
$$;

-- ---- The audit: every statement an agent sent, allowed or not.
CREATE TABLE sql_audit (
  id           bigint        GENERATED ALWAYS AS IDENTITY,
  company_id   bigint        NOT NULL,
  agent_id     bigint        NULL,
  task_id      bigint        NULL,
  actor        text          NULL,
  sql_text     text          NOT NULL,
  parameters   jsonb         NOT NULL DEFAULT '[]',
  outcome      text          NOT NULL,
  allowed      boolean       NOT NULL,
  reason       text          NULL,
  sqlstate     text          NULL,
  row_count    int           NOT NULL DEFAULT 0,
  byte_count   int           NOT NULL DEFAULT 0,
  truncated    boolean       NOT NULL DEFAULT false,
  duration_ms  numeric(10,3) NOT NULL,
  at           timestamptz   NOT NULL,
  CONSTRAINT sql_audit_pk PRIMARY KEY (id),
  CONSTRAINT sql_audit_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT sql_audit_outcome_ck CHECK (outcome IN ('ok', 'denied', 'invalid', 'timeout', 'error')),
  CONSTRAINT sql_audit_allowed_ck CHECK (allowed = (outcome <> 'denied')),
  CONSTRAINT sql_audit_reason_ck CHECK (outcome = 'ok' OR reason IS NOT NULL)
);
-- Serves the audit list of a company, newest first.
CREATE INDEX sql_audit_company_ix ON sql_audit (company_id, id DESC);
-- Serves the audit list of one agent.
CREATE INDEX sql_audit_agent_ix ON sql_audit (agent_id, id DESC) WHERE agent_id IS NOT NULL;
