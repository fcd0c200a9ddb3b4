-- Workflow templates: a JSON definition of steps and dependencies, saved as numbered versions.
CREATE TABLE workflows (
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  company_id   bigint      NOT NULL,
  name         text        NOT NULL,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT workflows_pk PRIMARY KEY (id),
  CONSTRAINT workflows_company_id_uq UNIQUE (company_id, id),
  CONSTRAINT workflows_name_uq UNIQUE (company_id, name),
  CONSTRAINT workflows_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT workflows_name_ck CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  CONSTRAINT workflows_version_ck CHECK (version >= 1)
);

-- Every saved definition; the row whose version equals workflows.version is the current one.
CREATE TABLE workflow_versions (
  company_id   bigint      NOT NULL,
  workflow_id  bigint      NOT NULL,
  version      bigint      NOT NULL,
  name         text        NOT NULL,
  definition   json        NOT NULL, -- json, not jsonb: the text is kept as written (key order, spacing) for the editor
  created_at   timestamptz NOT NULL,
  CONSTRAINT workflow_versions_pk PRIMARY KEY (workflow_id, version),
  CONSTRAINT workflow_versions_workflow_fk FOREIGN KEY (company_id, workflow_id) REFERENCES workflows (company_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_versions_definition_ck CHECK (json_typeof(definition) = 'object')
);
