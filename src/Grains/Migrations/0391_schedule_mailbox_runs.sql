-- A mailbox-check firing is recorded as 'started' with the id of the activity that reads the mailbox; its
-- outcome turns the run into 'created' (with the task), 'skipped' (no new mail) or 'failed' (with the reason).
ALTER TABLE schedule_runs ADD COLUMN activity_id uuid NULL;

-- Serves the outcome's lookup of its run (ScheduleSql.FinishMailboxRun).
CREATE UNIQUE INDEX schedule_runs_activity_ux ON schedule_runs (activity_id) WHERE activity_id IS NOT NULL;
