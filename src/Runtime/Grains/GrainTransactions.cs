using System.Data;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FluidManager.Runtime.Reminders;
using FluidManager.Runtime.Silos;
using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// What Orleans lacks for grains whose state is rows of the product's own tables: each call on an
/// activation runs as a turn, one PostgreSQL transaction that first takes the grain's
/// transaction-scoped advisory lock, so that a second activation of the grain (possible while
/// membership changes) waits instead of overwriting, and is run again whole on a deadlock or a
/// serialisation failure. A grain joined to a turn (<see cref="IJoinedGrain{TGrain}"/>) runs its
/// command in that transaction under its own lock; joining a grain already in the call chain is
/// refused. After the commit, the activations of the warm grains the turn joined are told to drop
/// their memory.
/// </summary>
public sealed class GrainTransactions(
    NpgsqlDataSource dataSource,
    IServiceProvider services,
    TimeProvider time,
    IOptions<FluidRuntimeOptions> options,
    ILogger<GrainTransactions> logger)
{
    private static readonly AsyncLocal<TurnState?> Ambient = new();
    private static readonly TimeSpan WarmDropTimeout = TimeSpan.FromSeconds(2);
    private const int WarmDropParallelism = 8;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ObjectFactory> Factories = new();
    private readonly Orleans.Timers.IReminderRegistry? _reminders = services.GetService<Orleans.Timers.IReminderRegistry>();
    private readonly SemaphoreSlim _turnSlots = new(options.Value.MaxConcurrentTurns);
    private readonly Lazy<IGrainFactory?> _orleans = new(services.GetService<IGrainFactory>);
    private readonly Lazy<GrainRegistry> _registry = new(services.GetRequiredService<GrainRegistry>);
    private readonly CommitHints? _hints = services.GetService<CommitHints>();

    /// <summary>Whether the calling code runs inside a turn (see <see cref="TurnCallGuard"/>).</summary>
    internal static bool InTurn => Ambient.Value is not null;

    /// <summary>Orleans' grain factory, in a silo.</summary>
    internal IGrainFactory? Orleans => _orleans.Value;

    /// <summary>
    /// Whether a read of <paramref name="id"/> made inside <paramref name="turn"/> goes to the grain's
    /// activation (answered from its memory) instead of joining the turn: true for grains marked
    /// <see cref="WarmReadsAttribute"/> that the turn has not written (joined or touched), since only
    /// then is the committed state the one the caller should see.
    /// </summary>
    internal bool AnswersFromActivation(TurnState turn, GrainKey id) =>
        Orleans is not null && _registry.Value.WarmTypes.Contains(id.Type)
        && !turn.HasLocked(id) && !turn.HasTouched(id) && !turn.CallChain.Contains(id);

    /// <summary>Runs <paramref name="body"/> on a fresh instance of the grain, in <paramref name="state"/>'s transaction (see <see cref="IJoinedGrain{TGrain}"/>).</summary>
    internal Task<T> JoinAsync<T>(TurnState state, GrainKey id, GrainRegistration registration, bool readOnly, Func<object, Task<T>> body) =>
        InvokeAsync(state, id, registration, readOnly, body, CancellationToken.None);

    internal static bool IsRetryable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
        NpgsqlException npgsql => npgsql.IsTransient && npgsql is not PostgresException,
        _ => false,
    };

    internal static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(500, 5 * Math.Pow(2, attempt)) * (0.5 + Random.Shared.NextDouble()));

    /// <summary>
    /// Runs one call of an Orleans activation as a turn: <paramref name="body"/> gets the turn's
    /// context and runs the call on the activation itself. Retried whole on a deadlock or a
    /// serialisation failure.
    /// </summary>
    /// <remarks>
    /// A delivery of messages names them in <paramref name="messages"/>: the turn takes them off the
    /// grain's queue in the round trip that takes its lock (see <see cref="TurnState.LockAndTakeAsync"/>).
    /// </remarks>
    internal async Task RunActivationTurnAsync(GrainKey id, bool readOnly, string? actor, long[]? messages, Func<TurnContext, Task> body)
    {
        // Read-only turns take no slot: they hold no lock, most are answered from memory, and a write
        // turn may wait on one (a joined read of a warm grain), which must not wait for its own slot.
        if (readOnly)
        {
            await RunActivationTurnWithSlotAsync(id, readOnly, actor, messages, body);
            return;
        }

        // Orleans runs as many activations at once as there are calls; their turns share one pool.
        await _turnSlots.WaitAsync();
        try
        {
            await RunActivationTurnWithSlotAsync(id, readOnly, actor, messages, body);
        }
        finally
        {
            _turnSlots.Release();
        }
    }

    private async Task RunActivationTurnWithSlotAsync(GrainKey id, bool readOnly, string? actor, long[]? messages, Func<TurnContext, Task> body)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunInTransactionAsync(readOnly, actor, self: id, async state =>
                {
                    if (!readOnly && messages is { Length: > 0 })
                    {
                        await state.LockAndTakeAsync(id, messages, CancellationToken.None);
                    }
                    else if (!readOnly)
                    {
                        await state.LockAsync(id, CancellationToken.None);
                    }
                    else if (!_registry.Value.WarmTypes.Contains(id.Type))
                    {
                        // A grain that keeps no memory reads the database: open without blocking a thread.
                        await state.OpenAsync();
                    }

                    state.CallChain.Add(id);
                    try
                    {
                        await body(new TurnContext(id, state, _registry.Value, this));
                    }
                    finally
                    {
                        state.CallChain.RemoveAt(state.CallChain.Count - 1);
                    }

                    return true;
                });
                return;
            }
            catch (Exception ex) when (attempt < options.Value.MaxTurnAttempts && IsRetryable(ex))
            {
                Log.TurnRetried(logger, id.ToString(), attempt, ex.Message);
                await Task.Delay(Backoff(attempt), time);
            }
        }
    }

    /// <summary>Whether a turn failed because of the database rather than the grain's own refusal.</summary>
    internal static bool IsInfrastructureFailure(Exception ex) => ex is NpgsqlException or InvalidOperationException { InnerException: NpgsqlException } or TimeoutException;

    /// <summary>
    /// Runs <paramref name="body"/> in a new transaction and commits it. A read-only turn opens its
    /// (snapshot, read-only) transaction only when a grain first reads the database.
    /// </summary>
    private async Task<T> RunInTransactionAsync<T>(bool readOnly, string? actor, GrainKey? self, Func<TurnState, Task<T>> body)
    {
        await using var state = readOnly
            ? TurnState.OpenedOnFirstUse(OpenReadOnly, OpenReadOnlyAsync, time.GetUtcNow(), actor, readOnly: true)
            : await OpenForWritingAsync(actor);
        state.Reminders = _reminders;
        state.Hints = _hints;
        state.WarmTypes = _registry.Value.WarmTypes;

        T result;
        using (Enter(state))
        {
            result = await body(state);
            if (state.IsOpen)
            {
                await state.CommitAsync(CancellationToken.None);
            }
        }

        await OrleansReminders.ApplyAsync(state, logger);
        await TellWarmActivationsAsync(state, self);
        return result;
    }

    private async Task<TurnState> OpenForWritingAsync(string? actor)
    {
        var connection = await dataSource.OpenConnectionAsync();
        try
        {
            return TurnState.Owning(connection, await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted), time.GetUtcNow(), actor);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<(NpgsqlConnection, NpgsqlTransaction)> OpenReadOnlyAsync()
    {
        var connection = await dataSource.OpenConnectionAsync();
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            await using var setReadOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
            await setReadOnly.ExecuteNonQueryAsync();
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private (NpgsqlConnection, NpgsqlTransaction) OpenReadOnly()
    {
        var connection = dataSource.OpenConnection();
        try
        {
            var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
            using var setReadOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
            setReadOnly.ExecuteNonQuery();
            return (connection, transaction);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// After a commit, tells the activations of the warm grains this turn joined and wrote (not the
    /// turn's own activation, which drops its memory itself) to drop theirs, so that the caller reads
    /// its own writes. A lost call is covered by the commit's notification (see <see cref="CommitHints"/>).
    /// </summary>
    private async Task TellWarmActivationsAsync(TurnState state, GrainKey? self)
    {
        if (Orleans is not { } orleans)
        {
            return;
        }

        // Usually one or two grains; a turn that touched many (an agent's deletion clears the assignee of its
        // finished tasks) tells them a few at a time.
        var grains = state.WrittenWarmGrains.Where(g => g != self).ToList();
        if (grains.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(grains, new ParallelOptions { MaxDegreeOfParallelism = WarmDropParallelism }, async (grain, cancellationToken) =>
        {
            try
            {
                await orleans.GetGrain<IWarmStateTarget>(GrainId.Create(grain.Type, grain.Key)).DropWarmStateAsync().WaitAsync(WarmDropTimeout, cancellationToken);
            }
            catch (Exception ex)
            {
                Log.WarmDropFailed(logger, grain.ToString(), ex.Message);
            }
        });
    }

    private async Task<T> InvokeAsync<T>(TurnState state, GrainKey id, GrainRegistration registration, bool readOnly, Func<object, Task<T>> body, CancellationToken cancellationToken)
    {
        if (state.CallChain.Contains(id))
        {
            var chain = string.Join(" → ", state.CallChain.Append(id));
            throw new GrainReentrancyException($"Call cycle within one turn: {chain}. A grain cannot be called back while its turn is in progress; post a message instead.");
        }

        if (!readOnly)
        {
            if (state.ReadOnly)
            {
                throw new InvalidOperationException($"A read-only call cannot call {id}'s writing method; mark it [ReadOnly(true)] or call it outside the read.");
            }

            await state.LockAsync(id, cancellationToken);
        }
        else
        {
            // A joined instance keeps no memory: its read goes to the database, opened without blocking a thread.
            await state.OpenAsync();
        }

        state.CallChain.Add(id);
        try
        {
            await using var scope = services.CreateAsyncScope();
            var context = new TurnContext(id, state, _registry.Value, this);
            var factory = Factories.GetOrAdd(registration.Implementation, static type => ActivatorUtilities.CreateFactory(type, [typeof(ITurnContext)]));
            var grain = factory(scope.ServiceProvider, [context]);
            return await body(grain);
        }
        finally
        {
            state.CallChain.RemoveAt(state.CallChain.Count - 1);
        }
    }

    /// <summary>Makes <paramref name="state"/> the ambient turn for the code run inside it.</summary>
    private static AmbientScope Enter(TurnState state)
    {
        var previous = Ambient.Value;
        Ambient.Value = state;
        return new AmbientScope(previous);
    }

    private sealed class AmbientScope(TurnState? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>The <see cref="ITurnContext"/> handed to a grain for one call.</summary>
internal sealed class TurnContext(GrainKey id, TurnState state, GrainRegistry registry, GrainTransactions executor) : ITurnContext
{
    internal TurnState State => state;

    public GrainKey Id => id;

    public string Key => id.Key;

    public DateTimeOffset Now => state.Now;

    public string? Actor => state.Actor;

    public NpgsqlConnection Connection => state.Connection;

    public NpgsqlTransaction Transaction => state.Transaction;

    public IGrainFactory Cluster => executor.Orleans ?? throw new InvalidOperationException("This process is not an Orleans silo.");

    public IJoinedGrain<TGrain> Join<TGrain>(string key) where TGrain : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var registration = registry.Resolve<TGrain>();
        return new JoinedGrain<TGrain>(executor, state, new GrainKey(registration.TypeName, key), registration);
    }

    public Task PostAsync<TGrain>(string key, object message, TimeSpan? delay = null) where TGrain : class
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureWritable();
        var target = registry.Resolve<TGrain>();
        state.Post(new GrainKey(target.TypeName, key), message, state.Actor ?? id.ToString(), Now + (delay ?? TimeSpan.Zero));
        return Task.CompletedTask;
    }

    /// <summary>See <see cref="WarmTurnExtensions.TouchWarm{TGrain}(ITurnContext, string)"/>.</summary>
    internal void TouchWarm<TGrain>(string key) where TGrain : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        EnsureWritable();
        state.Touch(new GrainKey(registry.Resolve<TGrain>().TypeName, key));
    }

    public Task PublishAsync(string stream, string type, object payload, long? companyId = null)
    {
        EnsureWritable();
        state.Publish(stream, type, payload, companyId);
        return Task.CompletedTask;
    }

    public Task<long> PublishNowAsync(string stream, string type, object payload, long? companyId = null)
    {
        EnsureWritable();
        return state.PublishNowAsync(stream, type, payload, companyId);
    }

    public Task SavepointAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        EnsureWritable();
        return state.SavepointAsync(name);
    }

    public Task RollbackToSavepointAsync(string name) => state.RollbackToSavepointAsync(name);

    public Task ReleaseSavepointAsync(string name) => state.ReleaseSavepointAsync(name);

    public async Task RegisterReminderAsync(string name, ReminderSchedule schedule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        EnsureWritable();
        var dueAt = schedule.Period is null ? schedule.NextAfter(Now) : Now + schedule.DueIn;
        OrleansReminders.Register(state, id, name, dueAt, schedule);
        await using var command = Command(RuntimeSql.UpsertReminder);
        AddGrain(command);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("due_at", dueAt);
        command.Parameters.AddWithValue("period_ms", NpgsqlTypes.NpgsqlDbType.Bigint, schedule.Period is { } p ? (long)p.TotalMilliseconds : DBNull.Value);
        command.Parameters.AddWithValue("cron", NpgsqlTypes.NpgsqlDbType.Text, (object?)schedule.Cron ?? DBNull.Value);
        command.Parameters.AddWithValue("time_zone", NpgsqlTypes.NpgsqlDbType.Text, (object?)schedule.TimeZone ?? DBNull.Value);
        command.Parameters.AddWithValue("now", Now);
        await command.ExecuteNonQueryAsync();
    }

    public async Task UnregisterReminderAsync(string name)
    {
        EnsureWritable();
        await using var command = Command(RuntimeSql.DeleteReminder);
        AddGrain(command);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync();
        OrleansReminders.Remove(state, id, name);
    }

    public Task<Guid> ScheduleActivityAsync(string kind, object input, ActivityOptions? options = null, Guid? activityId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        EnsureWritable();
        options ??= new ActivityOptions();
        var newId = activityId ?? Guid.CreateVersion7(Now);
        var command = new NpgsqlBatchCommand(RuntimeSql.ScheduleActivity);
        command.Parameters.AddWithValue("id", newId);
        command.Parameters.AddWithValue("grain_type", id.Type);
        command.Parameters.AddWithValue("grain_key", id.Key);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("input", NpgsqlTypes.NpgsqlDbType.Jsonb, JsonSerializer.Serialize(input, input.GetType(), RuntimeJson.Options));
        command.Parameters.AddWithValue("max_attempts", Math.Max(1, options.MaxAttempts));
        command.Parameters.AddWithValue("timeout_ms", (long)options.Timeout.TotalMilliseconds);
        command.Parameters.AddWithValue("backoff_ms", (long)options.Backoff.TotalMilliseconds);
        command.Parameters.AddWithValue("due_at", Now + options.Delay);
        command.Parameters.AddWithValue("now", Now);
        state.ScheduleActivity(newId, command);
        return Task.FromResult(newId);
    }

    public async Task<bool> CancelActivityAsync(Guid activityId)
    {
        EnsureWritable();
        var unscheduled = state.UnscheduleActivity(activityId); // scheduled in this turn: it never reaches the queue
        await using var command = Command(RuntimeSql.CancelActivity);
        command.Parameters.AddWithValue("id", activityId);
        AddGrain(command);
        command.Parameters.AddWithValue("now", Now);
        return await command.ExecuteNonQueryAsync() > 0 || unscheduled;
    }

    private NpgsqlCommand Command(string sql) => new(sql, state.Connection, state.Transaction);

    private void AddGrain(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("grain_type", id.Type);
        command.Parameters.AddWithValue("grain_key", id.Key);
    }

    private void EnsureWritable()
    {
        if (state.ReadOnly)
        {
            throw new InvalidOperationException($"{id} is running a read-only call and cannot write.");
        }
    }
}
