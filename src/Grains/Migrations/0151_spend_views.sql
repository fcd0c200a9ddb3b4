-- Spend roll-ups over the settled model calls. Days are UTC days. Each view is what one report of
-- the costs API reads (ICompanyWorkGrain.GetCostsAsync); per-task totals also serve the trace.

CREATE VIEW spend_by_task AS
SELECT company_id, task_id,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, task_id;

CREATE VIEW spend_by_agent_day AS
SELECT company_id, agent_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, agent_id, (at AT TIME ZONE 'UTC')::date;

CREATE VIEW spend_by_department_day AS
SELECT company_id, COALESCE(department, '') AS department, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, COALESCE(department, ''), (at AT TIME ZONE 'UTC')::date;

CREATE VIEW spend_by_project_day AS
SELECT company_id, COALESCE(project, '') AS project, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, COALESCE(project, ''), (at AT TIME ZONE 'UTC')::date;

CREATE VIEW spend_by_task_day AS
SELECT company_id, task_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, task_id, (at AT TIME ZONE 'UTC')::date;

CREATE VIEW spend_by_model_day AS
SELECT company_id, model, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, model, (at AT TIME ZONE 'UTC')::date;

CREATE VIEW spend_by_day AS
SELECT company_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
GROUP BY company_id, (at AT TIME ZONE 'UTC')::date;
