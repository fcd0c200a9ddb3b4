-- Deleting finished work.
-- A deleted task: done or cancelled, gone from every list and read, while its row stays so that its model
-- calls and costs stay counted and its event log keeps a tombstone.
ALTER TABLE tasks ADD COLUMN deleted_at timestamptz NULL;
ALTER TABLE tasks ADD COLUMN deleted_by text NULL;
ALTER TABLE tasks ADD CONSTRAINT tasks_deleted_finished_ck CHECK (deleted_at IS NULL OR status IN ('done', 'cancelled'));

-- A deleted meeting: a draft or an ended one, gone from the list and every read; its row stays for the costs.
ALTER TABLE meetings ADD COLUMN deleted_at timestamptz NULL;
ALTER TABLE meetings ADD COLUMN deleted_by text NULL;
ALTER TABLE meetings ADD CONSTRAINT meetings_deleted_ended_ck CHECK (deleted_at IS NULL OR status IN ('draft', 'completed', 'failed'));
