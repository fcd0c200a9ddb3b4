using Npgsql;

namespace FluidManager.Runtime;

/// <summary>Every statement the runtime runs, in one place. Parameters are named; "now" is always a parameter.</summary>
internal static class RuntimeSql
{
    /// <summary>
    /// The tail of every statement that posts (its CTE "msg" returns the new messages): marks each
    /// target inbox due and bumps its version, so a pump mid-turn on that grain knows to look again.
    /// </summary>
    private const string MarkInboxDue = """
        INSERT INTO runtime.inbox AS i (grain_type, grain_key, due_at, version)
        SELECT grain_type, grain_key, due_at, 1 FROM msg
        ON CONFLICT (grain_type, grain_key) DO UPDATE
          SET due_at = LEAST(COALESCE(i.due_at, EXCLUDED.due_at), EXCLUDED.due_at), version = i.version + 1
        """;

    public const string LockGrain = "SELECT pg_advisory_xact_lock(@key)";

    /// <summary>
    /// Run before a queue's claim in the same implicit transaction (one batch): the claim takes the first
    /// due rows by walking its partial index in order and stops at its limit. Without them, statistics that
    /// lag a burst of new rows (autovacuum analyzes a table only so often) make the planner expect a few
    /// rows, bitmap-scan every due row and sort them all, on every claim: 3 ms for a backlog of 5,000
    /// activities, growing with the backlog.
    /// </summary>
    private static readonly string[] OrderedClaimPlan = ["SET LOCAL enable_bitmapscan = off", "SET LOCAL enable_sort = off"];

    /// <summary>A queue's claim <paramref name="sql"/> in a batch after <see cref="OrderedClaimPlan"/>; its parameters go on <paramref name="claim"/>.</summary>
    public static NpgsqlBatch OrderedClaim(NpgsqlDataSource dataSource, string sql, out NpgsqlBatchCommand claim)
    {
        var batch = dataSource.CreateBatch();
        foreach (var setting in OrderedClaimPlan)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
        }

        claim = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(claim);
        return batch;
    }

    /// <summary>
    /// Locks a further grain inside a turn that already holds one. A short lock_timeout turns a
    /// potential deadlock (two turns locking the same grains in opposite orders) into a quick,
    /// retryable failure instead of waiting for PostgreSQL's deadlock detector.
    /// </summary>
    public const string LockNestedGrain = "SELECT set_config('lock_timeout', @timeout, true), pg_advisory_xact_lock(@key), set_config('lock_timeout', '0', true)";

    /// <summary>Appends a message and marks its grain's inbox due, in one round trip.</summary>
    public const string PostMessage = $$"""
        WITH msg AS (
          INSERT INTO runtime.messages (grain_type, grain_key, message_type, payload, sender, enqueued_at, due_at)
          VALUES (@grain_type, @grain_key, @message_type, @payload, @sender, @now, @due_at)
          RETURNING grain_type, grain_key, due_at)
        {{MarkInboxDue}}
        """;

    public const string PublishEvent = """
        INSERT INTO runtime.events (position, company_id, stream, type, payload, actor, at)
        VALUES ((pg_current_xact_id()::text::bigint << 20) + @seq, @company_id, @stream, @type, @payload, @actor, @now)
        RETURNING position
        """;

    public const string Notify = "SELECT pg_notify(@channel, @payload)";

    /// <summary>Run with a turn's commit: the position of its last event, numbered <c>@seq</c> in the transaction, for the events hint.</summary>
    public const string EventPosition = "SELECT (pg_current_xact_id()::text::bigint << 20) + @seq AS event_position";

    public const string UpsertReminder = """
        INSERT INTO runtime.reminders (grain_type, grain_key, name, due_at, period_ms, cron, time_zone, created_at)
        VALUES (@grain_type, @grain_key, @name, @due_at, @period_ms, @cron, @time_zone, @now)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE
          SET due_at = EXCLUDED.due_at, period_ms = EXCLUDED.period_ms, cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone
        """;

    public const string DeleteReminder = "DELETE FROM runtime.reminders WHERE grain_type = @grain_type AND grain_key = @grain_key AND name = @name";

    public const string ScheduleActivity = """
        INSERT INTO runtime.activities (id, grain_type, grain_key, kind, input, status, max_attempts, timeout_ms, backoff_ms, due_at, created_at)
        VALUES (@id, @grain_type, @grain_key, @kind, @input, 'pending', @max_attempts, @timeout_ms, @backoff_ms, @due_at, @now)
        ON CONFLICT (id) DO NOTHING
        """;

    public const string CancelActivity = """
        UPDATE runtime.activities SET status = 'cancelled', finished_at = @now, lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND grain_type = @grain_type AND grain_key = @grain_key AND status IN ('pending', 'running')
        """;

    // ---- message pump ----

    /// <summary>
    /// Leases a batch of grains whose inbox is due and reads, in the same statement, each one's inbox
    /// version and queue head (up to <c>@per_grain</c> messages; a grain with none has one row of nulls).
    /// The version may be newer than the head's snapshot; the release that uses it looks at the queue
    /// again, so a message the head missed keeps the inbox due.
    /// </summary>
    public const string ClaimInboxes = """
        WITH claimed AS (
          UPDATE runtime.inbox i SET lease_owner = @silo, lease_until = @lease_until
          FROM (SELECT grain_type, grain_key FROM runtime.inbox
                WHERE due_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY due_at LIMIT @limit
                FOR UPDATE SKIP LOCKED) c
          WHERE i.grain_type = c.grain_type AND i.grain_key = c.grain_key
          RETURNING i.grain_type, i.grain_key, i.version)
        SELECT c.grain_type, c.grain_key, c.version, m.id, m.message_type, m.payload, m.sender, m.due_at, m.attempts
        FROM claimed c
        LEFT JOIN LATERAL (
          SELECT id, message_type, payload, sender, due_at, attempts FROM runtime.messages
          WHERE grain_type = c.grain_type AND grain_key = c.grain_key
          ORDER BY id LIMIT @per_grain) m ON true
        ORDER BY c.grain_type, c.grain_key, m.id
        """;

    public const string InboxVersion = "SELECT version FROM runtime.inbox WHERE grain_type = @grain_type AND grain_key = @grain_key";

    public const string ReadQueueHead = """
        SELECT id, message_type, payload, sender, due_at, attempts
        FROM runtime.messages WHERE grain_type = @grain_type AND grain_key = @grain_key
        ORDER BY id LIMIT @limit
        """;

    /// <summary>The receiver's half of a delivery: the message leaves the queue in the transaction of its effect.</summary>
    public const string TakeMessage = "DELETE FROM runtime.messages WHERE id = @id AND grain_type = @grain_type AND grain_key = @grain_key";

    /// <summary>Several messages' take, run with the receiver's lock: the ids it returns are the ones still queued.</summary>
    public const string TakeMessages = "DELETE FROM runtime.messages WHERE grain_type = @grain_type AND grain_key = @grain_key AND id = ANY(@ids) RETURNING id";

    public const string DeferMessage = "UPDATE runtime.messages SET attempts = @attempts, last_error = @error, due_at = @due_at WHERE id = @id";

    public const string DeadLetterMessage = """
        WITH gone AS (DELETE FROM runtime.messages WHERE id = @id RETURNING *)
        INSERT INTO runtime.dead_letters (message_id, grain_type, grain_key, message_type, payload, sender, enqueued_at, attempts, error, dead_at)
        SELECT id, grain_type, grain_key, message_type, payload, sender, enqueued_at, @attempts, @error, @now FROM gone
        RETURNING id
        """;

    /// <summary>
    /// Releases an inbox after a pump's turn. If a sender bumped the version meanwhile, its message may be
    /// invisible to the pump's snapshot, so the inbox stays due now rather than being parked.
    /// </summary>
    public const string ReleaseInbox = """
        UPDATE runtime.inbox SET
          due_at = CASE WHEN version = @version
                        THEN (SELECT due_at FROM runtime.messages m WHERE m.grain_type = @grain_type AND m.grain_key = @grain_key ORDER BY id LIMIT 1)
                        ELSE @now END,
          lease_owner = NULL, lease_until = NULL
        WHERE grain_type = @grain_type AND grain_key = @grain_key
        """;

    public const string ReleaseInboxLeases = """
        UPDATE runtime.inbox SET lease_owner = NULL, lease_until = NULL
        WHERE lease_owner = @silo AND (grain_type, grain_key) IN (SELECT * FROM unnest(@types::text[], @keys::text[]))
        """;

    public const string ReleaseSiloInboxes = "UPDATE runtime.inbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @silo";

    // ---- reminders ----

    public const string OverdueReminders = "SELECT grain_type, grain_key, name FROM runtime.reminders WHERE due_at <= @now ORDER BY due_at";

    /// <summary>One grain's reminder, locked for the turn that fires it.</summary>
    public const string LockReminder = """
        SELECT due_at, period_ms, cron, time_zone FROM runtime.reminders
        WHERE grain_type = @grain_type AND grain_key = @grain_key AND name = @name
        FOR UPDATE
        """;

    public const string AdvanceReminder = "UPDATE runtime.reminders SET due_at = @next WHERE grain_type = @grain_type AND grain_key = @grain_key AND name = @name";

    // ---- activities ----

    public const string ClaimPendingActivities = """
        UPDATE runtime.activities a
        SET status = 'running', lease_owner = @silo, lease_until = @lease_until, heartbeat_at = @now,
            attempts = a.attempts + 1, started_at = COALESCE(a.started_at, @now)
        FROM (SELECT id FROM runtime.activities WHERE status = 'pending' AND due_at <= @now
              ORDER BY due_at LIMIT @limit FOR UPDATE SKIP LOCKED) c
        WHERE a.id = c.id
        RETURNING a.id, a.grain_type, a.grain_key, a.kind, a.input, a.attempts, a.max_attempts, a.timeout_ms, a.backoff_ms
        """;

    public const string ClaimExpiredActivities = """
        UPDATE runtime.activities a
        SET lease_owner = @silo, lease_until = @lease_until, heartbeat_at = @now, attempts = a.attempts + 1
        FROM (SELECT id FROM runtime.activities WHERE lease_until < @now AND status = 'running'
              ORDER BY lease_until LIMIT @limit FOR UPDATE SKIP LOCKED) c
        WHERE a.id = c.id
        RETURNING a.id, a.grain_type, a.grain_key, a.kind, a.input, a.attempts, a.max_attempts, a.timeout_ms, a.backoff_ms
        """;

    /// <summary>
    /// Renews the leases this silo still holds and answers which of the asked runs are still its own;
    /// ids missing from the answer were cancelled or lost. A row locked by another transaction (the
    /// flush that ends it, a turn that cancels it) is not waited for: waiting could deadlock with a
    /// flush that locks the rows in another order, and the others' leases would lapse meanwhile. The
    /// next heartbeat renews or drops it; a claim of lost leases skips locked rows as well.
    /// </summary>
    public const string HeartbeatActivities = """
        WITH renewed AS (
          UPDATE runtime.activities a SET lease_until = @lease_until, heartbeat_at = @now
          FROM (SELECT id FROM runtime.activities WHERE id = ANY(@ids) AND status = 'running' AND lease_owner = @silo
                FOR UPDATE SKIP LOCKED) l
          WHERE a.id = l.id
          RETURNING a.id)
        SELECT id FROM runtime.activities WHERE id = ANY(@ids) AND status = 'running' AND lease_owner = @silo
        """;

    public const string ReportActivityProgress = """
        UPDATE runtime.activities SET progress = @progress
        WHERE id = @id AND status = 'running' AND lease_owner = @silo AND attempts = @attempt
        """;

    /// <summary>
    /// Ends an activity (completed or failed for good), only if this worker still holds the lease for
    /// this attempt: the fence that makes delivery exactly once. Its outcome goes to the owner in the
    /// same transaction, posted to its queue.
    /// </summary>
    public const string FinishActivity = """
        UPDATE runtime.activities SET status = @status, result = @result, error = @error, finished_at = @now,
               lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND status = 'running' AND lease_owner = @silo AND attempts = @attempt
        """;

    public const string RetryActivity = """
        UPDATE runtime.activities SET status = 'pending', error = @error, due_at = @due_at, lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND status = 'running' AND lease_owner = @silo AND attempts = @attempt
        """;

    /// <summary>Deletes a slice of the activities finished before a point in time (their outcome was delivered with the finish).</summary>
    public const string PurgeFinishedActivities = """
        DELETE FROM runtime.activities WHERE id IN (
          SELECT id FROM runtime.activities
          WHERE status IN ('completed', 'failed', 'cancelled') AND finished_at < @before
          LIMIT @limit)
        """;

    /// <summary>Hands unfinished work back to the queue on drain, without charging an attempt.</summary>
    public const string ReleaseActivities = """
        UPDATE runtime.activities SET status = 'pending', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_until = NULL, due_at = @now
        WHERE id = ANY(@ids) AND status = 'running' AND lease_owner = @silo
        """;

    // ---- events ----

    /// <summary>
    /// Events after a position, stopping below the oldest transaction still running: an event whose
    /// transaction has not committed yet can only get a position above that bound, so none is skipped.
    /// </summary>
    public const string ReadEvents = """
        SELECT position, company_id, stream, type, payload, actor, at
        FROM runtime.events
        WHERE position > @after
          AND position < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)
          AND (@company_id::bigint IS NULL OR company_id = @company_id)
          AND (@stream::text IS NULL OR stream = @stream)
        ORDER BY position
        LIMIT @limit
        """;

    /// <summary>The highest position below which the log can no longer change.</summary>
    public const string EventTail = """
        SELECT LEAST(COALESCE(max(position), 0), (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20) - 1)
        FROM runtime.events
        """;

    // ---- leases by silo ----

    /// <summary>Per lease owner (see <see cref="Silos.SiloIdentity"/>): the activities it runs and the inboxes it holds.</summary>
    public const string LeasesByOwner = """
        SELECT owner, sum(activities)::bigint, sum(inboxes)::bigint FROM (
          SELECT lease_owner AS owner, count(*) AS activities, 0 AS inboxes FROM runtime.activities WHERE status = 'running' AND lease_owner IS NOT NULL GROUP BY lease_owner
          UNION ALL
          SELECT lease_owner, 0, count(*) FROM runtime.inbox WHERE lease_owner IS NOT NULL GROUP BY lease_owner) leases
        GROUP BY owner
        """;

    public const string ListDeadLetters = """
        SELECT id, message_id, grain_type, grain_key, message_type, payload, sender, enqueued_at, attempts, error, dead_at
        FROM runtime.dead_letters WHERE replayed_at IS NULL
        ORDER BY id DESC LIMIT @limit
        """;

    /// <summary>Puts a dead letter back at the tail of its grain's queue with a fresh attempt count.</summary>
    public const string ReplayDeadLetter = $$"""
        WITH dl AS (
          UPDATE runtime.dead_letters SET replayed_at = @now WHERE id = @id AND replayed_at IS NULL
          RETURNING grain_type, grain_key, message_type, payload, sender),
        msg AS (
          INSERT INTO runtime.messages (grain_type, grain_key, message_type, payload, sender, enqueued_at, due_at)
          SELECT grain_type, grain_key, message_type, payload, sender, @now, @now FROM dl
          RETURNING grain_type, grain_key, due_at)
        {{MarkInboxDue}}
        RETURNING 1
        """;
}
