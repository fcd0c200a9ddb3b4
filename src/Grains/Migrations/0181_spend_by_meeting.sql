-- Spend of each meeting by day: its participants' turns and its synthesis. Meetings are the calls
-- no task owns, so the per-task roll-ups leave them out; this one shows them.
CREATE VIEW spend_by_meeting_day AS
SELECT company_id, meeting_id, (at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS calls,
       sum(input_tokens)::bigint AS input_tokens,
       sum(output_tokens)::bigint AS output_tokens,
       sum(cost) AS cost,
       sum(duration_ms)::bigint AS duration_ms
FROM llm_calls
WHERE meeting_id IS NOT NULL
GROUP BY company_id, meeting_id, (at AT TIME ZONE 'UTC')::date;
