-- A mailbox-check firing is recorded as 'started' with the id of the activity that reads the mailbox; its
-- outcome turns the run into 'created' (with the task), 'checked' (no new mail: nothing to do, not a failure,
-- so the schedule-failing alert leaves it alone) or 'failed' (with the reason).
ALTER TABLE schedule_runs ADD COLUMN activity_id uuid NULL;

ALTER TABLE schedule_runs DROP CONSTRAINT schedule_runs_outcome_ck;
ALTER TABLE schedule_runs
  ADD CONSTRAINT schedule_runs_outcome_ck CHECK (outcome IN ('created', 'skipped', 'started', 'failed', 'checked'));

-- Serves the outcome's lookup of its run (ScheduleSql.MailboxRun).
CREATE UNIQUE INDEX schedule_runs_activity_ux ON schedule_runs (activity_id) WHERE activity_id IS NOT NULL;
