-- Scheduling of an agent's queued tasks: how many of its tasks may run at once, and how long one
-- attempt of a task may run before it fails. Queued tasks start in priority order, then by age.
ALTER TABLE agents
  ADD COLUMN max_concurrent_tasks    int NOT NULL DEFAULT 1,
  ADD COLUMN attempt_timeout_seconds int NULL,
  ADD CONSTRAINT agents_max_concurrent_tasks_ck CHECK (max_concurrent_tasks BETWEEN 1 AND 100),
  ADD CONSTRAINT agents_attempt_timeout_ck CHECK (attempt_timeout_seconds IS NULL OR attempt_timeout_seconds BETWEEN 1 AND 604800);

-- Serves the start gate and the wake-up of an agent's queue (AgentSlots): its running and queued tasks.
CREATE INDEX tasks_agent_queue_ix ON tasks (assignee_agent_id, status, created_at, id) WHERE status IN ('queued', 'running');
