-- The company's outgoing mail (the send_email tool): one SMTP account per company. The password is
-- kept only as an ASP.NET Core Data Protection payload (keys in data_protection_keys).
CREATE TABLE company_email_settings (
  company_id     bigint      NOT NULL,
  host           text        NOT NULL,
  port           integer     NOT NULL,
  security       text        NOT NULL,
  username       text        NULL,
  password       text        NULL,
  from_address   text        NOT NULL,
  from_name      text        NULL,
  updated_at     timestamptz NOT NULL,
  updated_by     text        NULL,
  CONSTRAINT company_email_settings_pk PRIMARY KEY (company_id),
  CONSTRAINT company_email_settings_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT company_email_settings_port_ck CHECK (port BETWEEN 1 AND 65535),
  CONSTRAINT company_email_settings_security_ck CHECK (security IN ('none', 'starttls', 'tls'))
);

-- One row per send_email call run as an activity (key = the activity id, also the message's
-- Message-Id): an attempt after a crash finds the answer of a finished send, or an interrupted one,
-- and never sends a second copy.
CREATE TABLE email_sends (
  activity_id  uuid        NOT NULL,
  company_id   bigint      NOT NULL,
  task_id      bigint      NULL,
  status       text        NOT NULL,
  attempts     integer     NOT NULL DEFAULT 1,
  result       jsonb       NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NULL,
  CONSTRAINT email_sends_pk PRIMARY KEY (activity_id),
  CONSTRAINT email_sends_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT email_sends_status_ck CHECK (status IN ('started', 'finished')),
  CONSTRAINT email_sends_finished_ck CHECK ((status = 'finished') = (finished_at IS NOT NULL))
);
