-- MCP servers as tool sources. A company registers servers (a stdio command, or a streamable HTTP
-- address); fluidManager lists their tools, the CEO grants tools to agents one by one and classifies
-- each as read, write or external. Secrets (environment values or headers holding tokens) are kept
-- only as an ASP.NET Core Data Protection payload, whose keys live in data_protection_keys; their
-- names are kept in clear so the dashboard can say which are set. None of these tables is visible
-- to the agents' SQL role (the product's schema is not PUBLIC's, see 0900).
CREATE TABLE mcp_servers (
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  company_id    bigint      NOT NULL,
  name          text        NOT NULL,
  transport     text        NOT NULL,
  command       text        NULL,
  arguments     text[]      NOT NULL DEFAULT '{}',
  environment   jsonb       NOT NULL DEFAULT '{}',
  url           text        NULL,
  headers       jsonb       NOT NULL DEFAULT '{}',
  secret_names  text[]      NOT NULL DEFAULT '{}',
  secrets       text        NULL,
  enabled       boolean     NOT NULL DEFAULT true,
  version       bigint      NOT NULL DEFAULT 1,
  health        text        NOT NULL DEFAULT 'unknown',
  health_error  text        NULL,
  checked_at    timestamptz NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT mcp_servers_pk PRIMARY KEY (id),
  -- Serves the company's server by name (tool names carry it) and keeps names unique per company.
  CONSTRAINT mcp_servers_name_uq UNIQUE (company_id, name),
  CONSTRAINT mcp_servers_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT mcp_servers_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT mcp_servers_name_ck CHECK (name ~ '^[a-z][a-z0-9-]{0,29}$'),
  CONSTRAINT mcp_servers_transport_ck CHECK (transport IN ('stdio', 'http')),
  CONSTRAINT mcp_servers_target_ck CHECK ((transport = 'stdio' AND command IS NOT NULL AND url IS NULL) OR (transport = 'http' AND url IS NOT NULL AND command IS NULL)),
  CONSTRAINT mcp_servers_secrets_ck CHECK ((secrets IS NULL) = (cardinality(secret_names) = 0)),
  CONSTRAINT mcp_servers_health_ck CHECK (health IN ('unknown', 'healthy', 'failing'))
);

-- The tools a server listed when last asked. "classification" is what governs calls: it starts as
-- "default_classification" (from the tool's annotations) and the CEO may change it ("classified_by").
-- A tool the server stopped listing is kept (its grants with it) but marked absent.
CREATE TABLE mcp_tools (
  id                      bigint      GENERATED ALWAYS AS IDENTITY,
  company_id              bigint      NOT NULL,
  server_id               bigint      NOT NULL,
  name                    text        NOT NULL,
  title                   text        NULL,
  description             text        NOT NULL DEFAULT '',
  input_schema            jsonb       NOT NULL DEFAULT '{"type":"object"}',
  annotations             jsonb       NULL,
  default_classification  text        NOT NULL,
  classification          text        NOT NULL,
  classified_by           text        NULL,
  present                 boolean     NOT NULL DEFAULT true,
  discovered_at           timestamptz NOT NULL,
  CONSTRAINT mcp_tools_pk PRIMARY KEY (id),
  -- Serves a server's tool by name (discovery upserts, calls resolve).
  CONSTRAINT mcp_tools_name_uq UNIQUE (server_id, name),
  CONSTRAINT mcp_tools_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT mcp_tools_server_fk FOREIGN KEY (company_id, server_id) REFERENCES mcp_servers (company_id, id) ON DELETE CASCADE,
  CONSTRAINT mcp_tools_classification_ck CHECK (classification IN ('read', 'write', 'external')),
  CONSTRAINT mcp_tools_default_classification_ck CHECK (default_classification IN ('read', 'write', 'external'))
);

-- Which agent may call which MCP tool.
CREATE TABLE agent_mcp_tools (
  company_id  bigint      NOT NULL,
  agent_id    bigint      NOT NULL,
  tool_id     bigint      NOT NULL,
  granted_at  timestamptz NOT NULL,
  granted_by  text        NULL,
  CONSTRAINT agent_mcp_tools_pk PRIMARY KEY (agent_id, tool_id),
  CONSTRAINT agent_mcp_tools_agent_fk FOREIGN KEY (company_id, agent_id) REFERENCES agents (company_id, id) ON DELETE CASCADE,
  CONSTRAINT agent_mcp_tools_tool_fk FOREIGN KEY (company_id, tool_id) REFERENCES mcp_tools (company_id, id) ON DELETE CASCADE
);
-- Serves the grants of a tool (the Integrations page).
CREATE INDEX agent_mcp_tools_tool_ix ON agent_mcp_tools (tool_id);

-- One row per tool call run as an activity (key = the activity id, which is also the idempotency key
-- sent to the server): a retry after a crash finds the finished answer and does not call again; one
-- that finds the call started and unfinished calls again with the same key only when the tool is
-- idempotent (read, or annotated idempotentHint), and otherwise answers that the outcome is unknown.
CREATE TABLE mcp_call_journal (
  activity_id  uuid        NOT NULL,
  company_id   bigint      NOT NULL,
  tool_id      bigint      NOT NULL,
  status       text        NOT NULL,
  attempts     integer     NOT NULL DEFAULT 1,
  result       jsonb       NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NULL,
  CONSTRAINT mcp_call_journal_pk PRIMARY KEY (activity_id),
  CONSTRAINT mcp_call_journal_tool_fk FOREIGN KEY (company_id, tool_id) REFERENCES mcp_tools (company_id, id) ON DELETE CASCADE,
  CONSTRAINT mcp_call_journal_status_ck CHECK (status IN ('started', 'finished')),
  CONSTRAINT mcp_call_journal_finished_ck CHECK ((status = 'finished') = (finished_at IS NOT NULL))
);
