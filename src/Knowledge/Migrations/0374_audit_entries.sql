-- One audit over every governed access, for the audit page and its CSV export (AuditLog): SQL statements,
-- web requests, knowledge retrievals, agents' tool calls, policy denials (events) and decided approvals,
-- each with its agent, task, outcome and time. Ids are prefixed by their source ("sql:12").
CREATE VIEW audit_entries AS
SELECT company_id, 'sql'::text AS kind, 'sql:' || id AS id, at, agent_id, task_id, outcome, allowed,
       sql_text AS summary, COALESCE(reason, row_count || ' rows') AS detail, duration_ms::float8 AS duration_ms
FROM sql_audit
UNION ALL
SELECT company_id, 'web', 'web:' || id, at, agent_id, task_id, outcome, allowed,
       kind || ' ' || url, COALESCE(reason, COALESCE(status_code::text, '') || ' ' || COALESCE(content_type, '')), duration_ms::float8
FROM web_fetch_log
UNION ALL
SELECT company_id, 'retrieval', 'retrieval:' || id, at, agent_id, task_id, CASE WHEN allowed THEN 'ok' ELSE 'denied' END, allowed,
       query, COALESCE(reason, hit_count || ' passages'), duration_ms::float8
FROM knowledge_retrievals
UNION ALL
SELECT company_id, 'tool', 'tool:' || id, at, agent_id, task_id, outcome, allowed,
       tool || ' ' || left(arguments::text, 500), COALESCE(reason, left(result, 500)), duration_ms::float8
FROM tool_calls
UNION ALL
SELECT company_id, 'policy_denial', 'event:' || position, at,
       COALESCE((payload ->> 'fromAgentId')::bigint, (payload ->> 'toAgentId')::bigint), (payload ->> 'taskId')::bigint, 'denied', false,
       COALESCE(payload ->> 'action', '') || ' refused by ' || COALESCE(payload ->> 'rule', ''), COALESCE(payload ->> 'reason', ''), NULL::float8
FROM runtime.events
WHERE type = 'policy.denied' AND company_id IS NOT NULL
UNION ALL
SELECT company_id, 'approval', 'approval:' || id, decided_at, agent_id, task_id, status, status = 'approved',
       kind || ': ' || action, COALESCE(decided_by, '') || COALESCE(': ' || comment, ''), NULL::float8
FROM approvals
WHERE decided_at IS NOT NULL;
