-- The company's incoming mail (mailbox checks of schedules): one IMAP account per company. The password is
-- kept only as an ASP.NET Core Data Protection payload (keys in data_protection_keys), like the SMTP one.
CREATE TABLE company_imap_settings (
  company_id     bigint      NOT NULL,
  host           text        NOT NULL,
  port           integer     NOT NULL,
  security       text        NOT NULL,
  username       text        NOT NULL,
  password       text        NOT NULL,
  folder         text        NOT NULL DEFAULT 'INBOX',
  updated_at     timestamptz NOT NULL,
  updated_by     text        NULL,
  CONSTRAINT company_imap_settings_pk PRIMARY KEY (company_id),
  CONSTRAINT company_imap_settings_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT company_imap_settings_port_ck CHECK (port BETWEEN 1 AND 65535),
  CONSTRAINT company_imap_settings_security_ck CHECK (security IN ('none', 'starttls', 'tls'))
);

-- How far the checks have read each mailbox folder: the folder's UIDVALIDITY and the highest UID taken.
-- Another UIDVALIDITY (the server renumbered the folder) starts over from its unread messages.
CREATE TABLE mailbox_cursors (
  company_id    bigint      NOT NULL,
  mailbox       text        NOT NULL,
  folder        text        NOT NULL,
  uid_validity  bigint      NOT NULL,
  last_uid      bigint      NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT mailbox_cursors_pk PRIMARY KEY (company_id, mailbox, folder),
  CONSTRAINT mailbox_cursors_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE
);

-- Every message a check took, once (the key is the message's place in the folder): written with the cursor in one
-- transaction before the messages are marked \Seen, so an attempt after a crash answers with the same messages
-- (found by its activity id) and no other check takes them again.
CREATE TABLE mailbox_messages (
  company_id    bigint      NOT NULL,
  mailbox       text        NOT NULL,
  folder        text        NOT NULL,
  uid_validity  bigint      NOT NULL,
  uid           bigint      NOT NULL,
  activity_id   uuid        NOT NULL,
  schedule_id   bigint      NULL,
  message_id    text        NULL,
  from_address  text        NULL,
  subject       text        NULL,
  sent_at       timestamptz NULL,
  excerpt       text        NOT NULL,
  taken_at      timestamptz NOT NULL,
  CONSTRAINT mailbox_messages_pk PRIMARY KEY (company_id, mailbox, folder, uid_validity, uid),
  CONSTRAINT mailbox_messages_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE
);

-- Serves MailboxSql.Taken: the messages one check (activity) took.
CREATE INDEX mailbox_messages_activity_ix ON mailbox_messages (activity_id);
