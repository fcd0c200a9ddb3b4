using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>One transaction and everything the grains called in it have done so far.</summary>
internal sealed class TurnState(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, string? actor, bool readOnly)
{
    /// <summary>How long a turn waits for a second grain's lock before giving up and retrying whole.</summary>
    private const string NestedLockTimeout = "100ms";

    private readonly HashSet<long> _locked = [];
    private int _eventSequence;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public DateTimeOffset Now { get; set; } = now;

    public string? Actor { get; set; } = actor;

    public bool ReadOnly { get; } = readOnly;

    /// <summary>Grains whose calls are in progress, outermost first: a call back into one is a cycle.</summary>
    public List<GrainKey> CallChain { get; } = [];

    public long LastEventPosition { get; set; }

    public bool MessagesPosted { get; set; }

    public bool ActivitiesScheduled { get; set; }

    /// <summary>Orleans' reminder service, in a silo: it wakes the grains whose reminders this turn registers.</summary>
    public Orleans.Timers.IReminderRegistry? Reminders { get; init; }

    /// <summary>Orleans reminders to remove once the turn has committed (removing them before could lose a tick on rollback).</summary>
    public List<(GrainKey Grain, string Name)> RemindersToRemove { get; } = [];

    public int NextEventSequence()
    {
        if (_eventSequence >= (1 << 20) - 1)
        {
            throw new InvalidOperationException("A turn may publish at most 1,048,575 events.");
        }

        return ++_eventSequence;
    }

    public async Task LockAsync(GrainKey id, CancellationToken cancellationToken)
    {
        var key = id.LockKey;
        if (!_locked.Add(key))
        {
            return;
        }

        var nested = _locked.Count > 1;
        await using var command = new NpgsqlCommand(nested ? RuntimeSql.LockNestedGrain : RuntimeSql.LockGrain, Connection, Transaction);
        command.Parameters.AddWithValue("key", key);
        if (nested)
        {
            command.Parameters.AddWithValue("timeout", NestedLockTimeout);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks a grain as locked by a statement the caller already ran.</summary>
    public void MarkLocked(GrainKey id) => _locked.Add(id.LockKey);

    /// <summary>Queues the NOTIFY hints for what this turn wrote; delivered by PostgreSQL at commit.</summary>
    public async Task NotifyAsync(FluidRuntimeOptions options, CancellationToken cancellationToken)
    {
        if (LastEventPosition == 0 && !MessagesPosted && !ActivitiesScheduled)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(Connection, Transaction);
        AddNotifications(batch, options);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends the NOTIFY hints to a batch the caller is about to run in this transaction.</summary>
    public void AddNotifications(NpgsqlBatch batch, FluidRuntimeOptions options)
    {
        if (LastEventPosition != 0)
        {
            batch.BatchCommands.Add(Notify(options.EventsChannel, LastEventPosition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (MessagesPosted || ActivitiesScheduled)
        {
            var payload = (MessagesPosted ? $"{Silos.WorkSignal.MessagesFlag}" : "") + (ActivitiesScheduled ? $"{Silos.WorkSignal.ActivitiesFlag}" : "");
            batch.BatchCommands.Add(Notify(options.WorkChannel, payload));
        }

        LastEventPosition = 0;
        MessagesPosted = false;
        ActivitiesScheduled = false;
    }

    private static NpgsqlBatchCommand Notify(string channel, string payload)
    {
        var command = new NpgsqlBatchCommand(RuntimeSql.Notify);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("payload", payload);
        return command;
    }
}
