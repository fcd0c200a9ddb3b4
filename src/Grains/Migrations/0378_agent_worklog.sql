-- An agent's worklog may hold notes of its own, outside any task (task_id NULL). Every entry still
-- belongs to a task or to an agent; the agent's own notes go with it when it is deleted.
ALTER TABLE worklog ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE worklog ADD CONSTRAINT worklog_owner_ck CHECK (task_id IS NOT NULL OR agent_id IS NOT NULL);
-- Serves an agent's worklog across its tasks, newest first (the progress page).
CREATE INDEX worklog_agent_ix ON worklog (company_id, agent_id, id) WHERE agent_id IS NOT NULL;
