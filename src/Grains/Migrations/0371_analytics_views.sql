-- How the work went, for the analytics API (IAnalyticsGrain): one row per finished task, per decided
-- approval and per model call, with the agent, department, project and UTC day it counts under.
-- The API groups these rows; its figures are these views' figures.

-- A task that ended (done or failed): time from creation to its end, and how many times it was retried.
CREATE VIEW task_outcomes AS
SELECT t.company_id, t.id AS task_id, t.assignee_agent_id AS agent_id,
       COALESCE(a.department, '') AS department, COALESCE(t.project, '') AS project,
       t.status, (t.finished_at AT TIME ZONE 'UTC')::date AS day,
       GREATEST(t.attempt_count - 1, 0)::bigint AS retries,
       (extract(epoch FROM (t.finished_at - t.created_at)) * 1000)::float8 AS time_to_finish_ms
FROM tasks t
LEFT JOIN agents a ON a.id = t.assignee_agent_id
WHERE t.status IN ('done', 'failed') AND t.finished_at IS NOT NULL;

-- An approval the CEO decided (or that expired): how long it waited.
CREATE VIEW approval_waits AS
SELECT ap.company_id, ap.id AS approval_id, ap.task_id, ap.agent_id,
       COALESCE(a.department, '') AS department, COALESCE(t.project, '') AS project,
       (ap.decided_at AT TIME ZONE 'UTC')::date AS day,
       (extract(epoch FROM (ap.decided_at - ap.requested_at)) * 1000)::float8 AS wait_ms
FROM approvals ap
JOIN tasks t ON t.id = ap.task_id
LEFT JOIN agents a ON a.id = ap.agent_id
WHERE ap.decided_at IS NOT NULL;

-- A settled model call: how long it took.
CREATE VIEW model_latencies AS
SELECT company_id, id AS call_id, task_id, agent_id, COALESCE(department, '') AS department,
       COALESCE(project, '') AS project, (at AT TIME ZONE 'UTC')::date AS day, duration_ms::float8 AS duration_ms
FROM llm_calls;
