-- The reclaim of expired leases had a partial index on status = 'running'. Every fenced statement
-- on one activity (finish, retry, heartbeat, progress) also says status = 'running', so the planner
-- could pick that small index over the primary key and walk every entry a backlog left behind in it,
-- one walk per statement. Indexing the lease itself (NULL unless running) serves the reclaim alone.
DROP INDEX runtime.activities_running_ix;
CREATE INDEX activities_lease_ix ON runtime.activities (lease_until) WHERE lease_until IS NOT NULL;
