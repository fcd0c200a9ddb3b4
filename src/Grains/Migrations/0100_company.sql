-- Companies are the tenancy boundary: every domain row carries company_id.
CREATE TABLE companies (
  id          bigint      GENERATED ALWAYS AS IDENTITY,
  name        text        NOT NULL,
  slug        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT companies_pk PRIMARY KEY (id),
  CONSTRAINT companies_slug_uq UNIQUE (slug),
  CONSTRAINT companies_name_ck CHECK (length(btrim(name)) BETWEEN 1 AND 200)
);

-- Knowledge retrieval needs pgvector; installing it here makes a missing extension fail start-up clearly.
CREATE EXTENSION IF NOT EXISTS vector;
