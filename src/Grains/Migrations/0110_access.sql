-- Access: accounts, their memberships in companies, personal API tokens, idempotency records and the
-- keys that protect session cookies. An account may belong to several companies; everything it
-- sees is chosen through a membership, so one company never reaches another's data.
CREATE TABLE users (
  id             bigint      GENERATED ALWAYS AS IDENTITY,
  email          text        NOT NULL,
  display_name   text        NOT NULL,
  password_hash  text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  disabled       boolean     NOT NULL DEFAULT false,
  CONSTRAINT users_pk PRIMARY KEY (id),
  CONSTRAINT users_email_ck CHECK (email = lower(btrim(email)) AND email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
  CONSTRAINT users_display_name_ck CHECK (length(btrim(display_name)) BETWEEN 1 AND 200)
);
-- Serves login by e-mail and keeps one account per address, whatever its case.
CREATE UNIQUE INDEX users_email_uq ON users (lower(email));

CREATE TABLE memberships (
  user_id     bigint      NOT NULL,
  company_id  bigint      NOT NULL,
  role        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT memberships_pk PRIMARY KEY (user_id, company_id),
  CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT memberships_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT memberships_role_ck CHECK (role IN ('ceo', 'admin', 'viewer'))
);
-- Serves the member list of a company and the "last ceo" check.
CREATE INDEX memberships_company_ix ON memberships (company_id, role);

CREATE TABLE api_tokens (
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  user_id       bigint      NOT NULL,
  company_id    bigint      NOT NULL,
  name          text        NOT NULL,
  prefix        text        NOT NULL,
  token_hash    bytea       NOT NULL,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz NULL,
  expires_at    timestamptz NULL,
  revoked_at    timestamptz NULL,
  CONSTRAINT api_tokens_pk PRIMARY KEY (id),
  CONSTRAINT api_tokens_membership_fk FOREIGN KEY (user_id, company_id) REFERENCES memberships (user_id, company_id) ON DELETE CASCADE,
  CONSTRAINT api_tokens_name_ck CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  CONSTRAINT api_tokens_prefix_ck CHECK (prefix ~ '^[0-9a-f]{12}$'),
  CONSTRAINT api_tokens_hash_ck CHECK (length(token_hash) = 32)
);
-- Serves bearer authentication: the prefix in the presented token finds its row.
CREATE UNIQUE INDEX api_tokens_prefix_uq ON api_tokens (prefix);
-- Serves a user's token list in one company.
CREATE INDEX api_tokens_owner_ix ON api_tokens (company_id, user_id);

-- One row per Idempotency-Key of a user in a company. status_code is NULL while the first request runs.
CREATE TABLE idempotency_keys (
  company_id     bigint      NOT NULL,
  user_id        bigint      NOT NULL,
  key            text        NOT NULL,
  request_hash   bytea       NOT NULL,
  status_code    int         NULL,
  response_body  bytea       NULL,
  content_type   text        NULL,
  location       text        NULL,
  created_at     timestamptz NOT NULL,
  completed_at   timestamptz NULL,
  CONSTRAINT idempotency_keys_pk PRIMARY KEY (company_id, user_id, key),
  CONSTRAINT idempotency_keys_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT idempotency_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT idempotency_keys_key_ck CHECK (length(key) BETWEEN 1 AND 200),
  CONSTRAINT idempotency_keys_status_ck CHECK (status_code IS NULL OR status_code BETWEEN 100 AND 599),
  CONSTRAINT idempotency_keys_completed_ck CHECK ((status_code IS NULL) = (completed_at IS NULL))
);
-- Serves the purge of expired keys.
CREATE INDEX idempotency_keys_created_ix ON idempotency_keys (created_at);

-- The ASP.NET Core data-protection key ring, shared by every Api instance so that any of them
-- accepts a session cookie issued by another.
CREATE TABLE data_protection_keys (
  id             bigint      GENERATED ALWAYS AS IDENTITY,
  friendly_name  text        NOT NULL,
  xml            text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT data_protection_keys_pk PRIMARY KEY (id),
  CONSTRAINT data_protection_keys_name_uq UNIQUE (friendly_name)
);
