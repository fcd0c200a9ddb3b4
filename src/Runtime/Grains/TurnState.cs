using FluidManager.Runtime.Silos;
using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// One transaction and everything the grains called in it have done so far. A read-only turn opens
/// its transaction on first use, so a read answered from a grain's memory never touches the database.
/// </summary>
internal sealed class TurnState : IAsyncDisposable
{
    /// <summary>How long a turn waits for a second grain's lock before giving up and retrying whole.</summary>
    private const string NestedLockTimeout = "100ms";

    /// <summary>The column of the commit's statement that answers the position of the turn's last event.</summary>
    private const string EventPositionColumn = "event_position";

    private readonly HashSet<long> _locked = [];
    private readonly HashSet<GrainKey> _touched = [];

    /// <summary>
    /// The events published so far, with their numbers in the transaction: those with a command are
    /// written with the commit, the others were written when published.
    /// </summary>
    private readonly List<(int Sequence, NpgsqlBatchCommand? Command)> _events = [];

    /// <summary>The activities scheduled so far, with their ids: written with the commit, before its events and messages.</summary>
    private readonly List<(Guid Id, NpgsqlBatchCommand Command)> _activities = [];

    /// <summary>The messages posted so far, with their targets: written with the commit.</summary>
    private readonly List<(GrainKey Target, NpgsqlBatchCommand Command)> _posts = [];

    /// <summary>The inbox this turn releases with its commit, and the version its pump read (see <see cref="ReleaseInboxOnCommit"/>).</summary>
    private (GrainKey Grain, long Version)? _inboxRelease;

    /// <summary>What had been queued for the commit when each open savepoint was set.</summary>
    private readonly Dictionary<string, (int Activities, int Events, int Posts, int Reminders, int Locks)> _savepoints = [];
    private readonly Func<(NpgsqlConnection, NpgsqlTransaction)>? _open;
    private readonly Func<Task<(NpgsqlConnection, NpgsqlTransaction)>>? _openAsync;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private int _eventSequence;

    public TurnState(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, string? actor, bool readOnly)
        : this(now, actor, readOnly)
    {
        _connection = connection;
        _transaction = transaction;
    }

    private TurnState(
        DateTimeOffset now, string? actor, bool readOnly,
        Func<(NpgsqlConnection, NpgsqlTransaction)>? open = null, Func<Task<(NpgsqlConnection, NpgsqlTransaction)>>? openAsync = null)
    {
        Now = now;
        Actor = actor;
        ReadOnly = readOnly;
        _open = open;
        _openAsync = openAsync;
    }

    private bool _owned;

    /// <summary>A turn that disposes <paramref name="connection"/> and <paramref name="transaction"/> when it is disposed.</summary>
    public static TurnState Owning(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, string? actor) =>
        new(connection, transaction, now, actor, readOnly: false) { _owned = true };

    /// <summary>A turn whose connection and transaction are opened by <paramref name="open"/> when a grain first needs them.</summary>
    /// <remarks>
    /// Code that can wait opens it with <see cref="OpenAsync"/> first (a warm state about to load, a read of
    /// a grain that keeps no memory): the first use from a synchronous property would block its thread
    /// while the pool hands out a connection and the transaction is set read-only.
    /// </remarks>
    public static TurnState OpenedOnFirstUse(
        Func<(NpgsqlConnection, NpgsqlTransaction)> open, Func<Task<(NpgsqlConnection, NpgsqlTransaction)>> openAsync, DateTimeOffset now, string? actor, bool readOnly) =>
        new(now, actor, readOnly, open, openAsync) { _owned = true };

    /// <summary>Opens the turn's transaction now, without blocking, if it is opened on first use and not open yet.</summary>
    public async ValueTask OpenAsync()
    {
        if (_transaction is null && _openAsync is not null)
        {
            (_connection, _transaction) = await _openAsync();
        }
    }

    public NpgsqlConnection Connection => EnsureOpen().Connection;

    public NpgsqlTransaction Transaction => EnsureOpen().Transaction;

    /// <summary>Whether the turn has a transaction (a lazily opened turn that only read memory has none).</summary>
    public bool IsOpen => _transaction is not null;

    /// <summary>Grains whose rows this turn wrote (their locks, in order), whether it ran them itself or joined them.</summary>
    public List<GrainKey> Written { get; } = [];

    /// <summary>Type names of the grains that keep state in memory: their activations are told when another turn wrote them.</summary>
    public IReadOnlySet<string> WarmTypes { get; set; } = new HashSet<string>();

    public DateTimeOffset Now { get; set; }

    public string? Actor { get; set; }

    public bool ReadOnly { get; }

    /// <summary>Grains whose calls are in progress, outermost first: a call back into one is a cycle.</summary>
    public List<GrainKey> CallChain { get; } = [];

    /// <summary>Whether the commit writes messages: a pump is told to look.</summary>
    private bool MessagesPosted => _posts.Count > 0;

    /// <summary>Whether the commit writes activities: a worker is told to look.</summary>
    private bool ActivitiesScheduled => _activities.Count > 0;

    /// <summary>Tells the listening processes what the turn wrote, once it has committed.</summary>
    public CommitHints? Hints { get; set; }

    /// <summary>Orleans' reminder service, in a silo: it wakes the grains whose reminders this turn registers.</summary>
    public Orleans.Timers.IReminderRegistry? Reminders { get; set; }

    /// <summary>Changes to Orleans reminders, made once the turn has committed (see <see cref="Reminders.OrleansReminders"/>).</summary>
    public List<Reminders.ReminderChange> ReminderChanges { get; } = [];

    private int NextEventSequence()
    {
        if (_eventSequence >= (1 << 20) - 1)
        {
            throw new InvalidOperationException("A turn may publish at most 1,048,575 events.");
        }

        return ++_eventSequence;
    }

    /// <summary>
    /// Queues an event row for the commit (see <see cref="ITurnContext.PublishAsync"/>). Its payload is
    /// serialised now; its position comes from the transaction id and its number in the turn.
    /// </summary>
    public void Publish(string stream, string type, object payload, long? companyId)
    {
        var sequence = NextEventSequence();
        var command = new NpgsqlBatchCommand(RuntimeSql.PublishEvent);
        Events.EventRow.AddParameters(command.Parameters, sequence, companyId, stream, type, payload, Actor, Now);
        _events.Add((sequence, command));
    }

    /// <summary>Writes an event row now and returns its position, for a caller that must give it out (see <see cref="ITurnContext.PublishNowAsync"/>).</summary>
    public async Task<long> PublishNowAsync(string stream, string type, object payload, long? companyId)
    {
        var sequence = NextEventSequence();
        await using var command = new NpgsqlCommand(RuntimeSql.PublishEvent, Connection, Transaction);
        Events.EventRow.AddParameters(command.Parameters, sequence, companyId, stream, type, payload, Actor, Now);
        var position = (long)(await command.ExecuteScalarAsync())!;
        _events.Add((sequence, null));
        return position;
    }

    /// <summary>
    /// Queues a message for the commit (see <see cref="ITurnContext.PostAsync{TGrain}"/>). Its payload
    /// is serialised now; the row and its target's inbox are written with the commit, so that the
    /// inbox row is locked only for the commit's round trip, not for the rest of the turn.
    /// </summary>
    public void Post(GrainKey target, object message, string sender, DateTimeOffset dueAt)
    {
        var command = new NpgsqlBatchCommand(RuntimeSql.PostMessage);
        Messaging.PostedMessage.AddParameters(command.Parameters, target.Type, target.Key, message, sender, Now, dueAt);
        _posts.Add((target, command));
    }

    /// <summary>
    /// Queues an activity's row for the commit (see <see cref="ITurnContext.ScheduleActivityAsync"/>): no
    /// worker can see it before the turn commits, so it costs the turn no round trip of its own.
    /// </summary>
    public void ScheduleActivity(Guid id, NpgsqlBatchCommand command) => _activities.Add((id, command));

    /// <summary>Drops an activity this turn scheduled and has not written yet; whether there was one.</summary>
    public bool UnscheduleActivity(Guid id) => _activities.RemoveAll(a => a.Id == id) > 0;

    /// <summary>
    /// Releases the grain's inbox lease with the commit, as its pump would after the turn (see
    /// <see cref="RuntimeSql.ReleaseInbox"/>): the delivery of the last message the pump read.
    /// </summary>
    public void ReleaseInboxOnCommit(GrainKey grain, long version) => _inboxRelease = (grain, version);

    /// <summary>The statement that releases an inbox lease, given the version its pump read (-1: due again now).</summary>
    public static NpgsqlBatchCommand InboxRelease(GrainKey grain, long version, DateTimeOffset now)
    {
        var release = new NpgsqlBatchCommand(RuntimeSql.ReleaseInbox);
        release.Parameters.AddWithValue("grain_type", grain.Type);
        release.Parameters.AddWithValue("grain_key", grain.Key);
        release.Parameters.AddWithValue("version", version);
        release.Parameters.AddWithValue("now", now);
        return release;
    }

    /// <summary>Sets a savepoint in the transaction, remembering what the turn had queued for its commit.</summary>
    public async Task SavepointAsync(string name)
    {
        await Transaction.SaveAsync(name);
        _savepoints[name] = (_activities.Count, _events.Count, _posts.Count, ReminderChanges.Count, Written.Count);
    }

    /// <summary>
    /// Rolls the transaction back to a savepoint, and drops the activities, events, messages and reminder
    /// changes queued since. The grains locked since are unlocked by PostgreSQL (a lock taken after a savepoint
    /// goes with it) and no longer count as written. The savepoint stays set, as in PostgreSQL.
    /// </summary>
    public async Task RollbackToSavepointAsync(string name)
    {
        if (!_savepoints.TryGetValue(name, out var mark))
        {
            throw new InvalidOperationException($"The turn has no savepoint '{name}'.");
        }

        await Transaction.RollbackAsync(name);
        _activities.RemoveRange(mark.Activities, _activities.Count - mark.Activities);
        _events.RemoveRange(mark.Events, _events.Count - mark.Events);
        _posts.RemoveRange(mark.Posts, _posts.Count - mark.Posts);
        ReminderChanges.RemoveRange(mark.Reminders, ReminderChanges.Count - mark.Reminders);
        foreach (var grain in Written.Skip(mark.Locks))
        {
            _locked.Remove(grain.LockKey);
        }

        Written.RemoveRange(mark.Locks, Written.Count - mark.Locks);
    }

    /// <summary>Releases a savepoint: what was done since it stays part of the turn.</summary>
    public async Task ReleaseSavepointAsync(string name)
    {
        await Transaction.ReleaseAsync(name);
        _savepoints.Remove(name);
    }

    public async Task LockAsync(GrainKey id, CancellationToken cancellationToken)
    {
        var key = id.LockKey;
        if (!_locked.Add(key))
        {
            return;
        }

        Written.Add(id);

        var nested = _locked.Count > 1;
        await using var command = new NpgsqlCommand(nested ? RuntimeSql.LockNestedGrain : RuntimeSql.LockGrain, Connection, Transaction);
        command.Parameters.AddWithValue("key", key);
        if (nested)
        {
            command.Parameters.AddWithValue("timeout", NestedLockTimeout);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The messages this turn took off its grain's queue with its lock (see <see cref="LockAndTakeAsync"/>);
    /// null when it took none that way.
    /// </summary>
    public HashSet<long>? TakenMessages { get; private set; }

    /// <summary>
    /// Takes the grain's lock and, in the same round trip, the delivered messages off its queue: the
    /// ids still queued are the ones this turn applies (see <see cref="TakenMessages"/>); one another
    /// turn took already is not applied again. The first turn's lock on a grain, so never nested.
    /// </summary>
    public async Task LockAndTakeAsync(GrainKey id, long[] messages, CancellationToken cancellationToken)
    {
        if (!_locked.Add(id.LockKey))
        {
            throw new InvalidOperationException($"{id} is locked already in this turn.");
        }

        Written.Add(id);
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        var lockGrain = new NpgsqlBatchCommand(RuntimeSql.LockGrain);
        lockGrain.Parameters.AddWithValue("key", id.LockKey);
        var take = new NpgsqlBatchCommand(RuntimeSql.TakeMessages);
        take.Parameters.AddWithValue("grain_type", id.Type);
        take.Parameters.AddWithValue("grain_key", id.Key);
        take.Parameters.AddWithValue("ids", messages);
        batch.BatchCommands.Add(lockGrain);
        batch.BatchCommands.Add(take);
        var taken = new HashSet<long>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                taken.Add(reader.GetInt64(0));
            }
        }

        TakenMessages = taken;
    }

    /// <summary>Marks a grain as locked by a statement the caller already ran.</summary>
    public void MarkLocked(GrainKey id)
    {
        if (_locked.Add(id.LockKey))
        {
            Written.Add(id);
        }
    }

    /// <summary>Whether this turn holds <paramref name="id"/>'s lock (it wrote, or may still write, that grain).</summary>
    public bool HasLocked(GrainKey id) => _locked.Contains(id.LockKey);

    /// <summary>
    /// Marks rows behind a grain's memory as written by this turn without running that grain (nor taking its
    /// lock): its activations are told at commit as for a joined grain, and the turn's own reads of
    /// it join the turn instead of going to its activation.
    /// </summary>
    public void Touch(GrainKey id) => _touched.Add(id);

    /// <summary>Whether this turn wrote rows behind <paramref name="id"/>'s memory without running it (see <see cref="Touch"/>).</summary>
    public bool HasTouched(GrainKey id) => _touched.Contains(id);

    /// <summary>The grains with state in memory that this turn wrote, joined or touched.</summary>
    public IEnumerable<GrainKey> WrittenWarmGrains => Written.Concat(_touched).Where(g => WarmTypes.Contains(g.Type)).Distinct();

    /// <summary>
    /// Commits the turn, its queued activities, events and messages in the commit's round trip, then hands
    /// what it wrote to <see cref="Hints"/>, which tells the listening processes.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        await CommitWithAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Appends the queued activities, events and messages to <paramref name="batch"/>, statements the caller
    /// made in this transaction, runs it and commits in one round trip, then hands what the turn wrote to
    /// <see cref="Hints"/>. A failing statement leaves the commit unrun and the transaction to be rolled
    /// back, as an exception, and nothing is hinted.
    /// </summary>
    public async Task CommitWithAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var work = AddCommitStatements(batch);
        var position = await RunAndCommitAsync(batch, cancellationToken);
        Hints?.Committed(work with { EventPosition = position });
    }

    /// <summary>
    /// Runs <paramref name="batch"/>, made in a transaction, then commits that transaction, in one round trip; the
    /// value of its <c>event_position</c> column, if a statement returns one. A failing statement leaves the
    /// commit unrun and the transaction to be rolled back, as an exception.
    /// </summary>
    public static async Task<long?> RunAndCommitAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var transaction = batch.Transaction ?? throw new InvalidOperationException("The batch is not part of a transaction.");
        if (batch.BatchCommands.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        // Npgsql follows the server's transaction status: after this COMMIT the transaction is completed.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        long? position = null;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == EventPositionColumn && await reader.ReadAsync(cancellationToken))
            {
                position = reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return position;
    }

    /// <summary>
    /// Appends the queued activities, events and messages to a batch the caller is about to run in this transaction and
    /// commit, and, when events were published, the statement that answers the last one's position; what the commit
    /// will have written, for the hints.
    /// </summary>
    private CommittedWork AddCommitStatements(NpgsqlBatch batch)
    {
        foreach (var (_, command) in _activities)
        {
            batch.BatchCommands.Add(command);
        }

        foreach (var (_, command) in _events)
        {
            if (command is not null)
            {
                batch.BatchCommands.Add(command);
            }
        }

        // In one order across all turns: each post upserts its target's inbox row, as does the release
        // of the turn's own inbox, and two commits locking the same rows in opposite orders would
        // deadlock. The sort is stable, so each target's messages keep the order they were posted in,
        // and the release comes after the grain's posts to itself.
        IEnumerable<(GrainKey Target, NpgsqlBatchCommand Command)> inboxes = _inboxRelease is { } release
            ? _posts.Append((release.Grain, InboxRelease(release.Grain, release.Version, Now)))
            : _posts;
        foreach (var (_, command) in inboxes.OrderBy(p => p.Target.Type, StringComparer.Ordinal).ThenBy(p => p.Target.Key, StringComparer.Ordinal))
        {
            batch.BatchCommands.Add(command);
        }

        if (_events.Count > 0)
        {
            var position = new NpgsqlBatchCommand(RuntimeSql.EventPosition);
            position.Parameters.AddWithValue("seq", (long)_events[^1].Sequence);
            batch.BatchCommands.Add(position);
        }

        var work = new CommittedWork(MessagesPosted, ActivitiesScheduled, EventPosition: null, WrittenWarmGrains.ToList());
        _activities.Clear();
        _events.Clear();
        _posts.Clear();
        _inboxRelease = null;
        return work;
    }

    public async ValueTask DisposeAsync()
    {
        if (_open is null && !_owned)
        {
            return; // the caller opened them and disposes them
        }

        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private (NpgsqlConnection Connection, NpgsqlTransaction Transaction) EnsureOpen()
    {
        if (_transaction is null)
        {
            (_connection, _transaction) = _open!();
        }

        return (_connection!, _transaction);
    }
}
