using FluidManager.Runtime.Messaging;
using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// The <see cref="ITurnContext"/> of an Orleans activation: one per activation, pointing at the turn
/// its current call runs in. <see cref="TurnCallFilter"/> opens and closes the turns.
/// </summary>
internal sealed class ActivationTurnContext(IGrainContext activation, GrainRegistry registry, WarmActivations warm) : ITurnContext
{
    private TurnContext? _turn;
    private GrainKey? _warmKey;

    public IGrainContext Activation => activation;

    public GrainKey Id => Current.Id;

    public string Key => Current.Key;

    public DateTimeOffset Now => Current.Now;

    public string? Actor => Current.Actor;

    public NpgsqlConnection Connection => Current.Connection;

    public NpgsqlTransaction Transaction => Current.Transaction;

    public IGrainFactory Cluster => Current.Cluster;

    public IJoinedGrain<TGrain> Join<TGrain>(string key) where TGrain : class => Current.Join<TGrain>(key);

    /// <summary>The turn the current call runs in.</summary>
    internal TurnContext CurrentTurn => Current;

    private TurnContext Current => _turn
        ?? throw new InvalidOperationException($"{activation.GrainId} has no turn in progress: grain state is only reachable from inside a grain call.");

    /// <summary>Whether a call is in progress and it is read-only.</summary>
    internal bool InReadOnlyTurn => _turn is { State.ReadOnly: true };

    internal void Enter(TurnContext turn) => _turn = turn;

    /// <summary>Lists the activation among this silo's warm ones, so that notifications reach it.</summary>
    internal void RememberWarm(DurableGrain grain)
    {
        if (_warmKey is null)
        {
            _warmKey = Id;
            warm.Add(Id, grain);
        }
    }

    internal void ForgetWarm(DurableGrain grain)
    {
        if (_warmKey is { } key)
        {
            warm.Remove(key, grain);
        }
    }

    /// <summary>
    /// Fires one of this grain's reminders in the current turn, if its row says it is due: the row
    /// moves to its next due time after now and the tick reaches the grain in the same transaction.
    /// A reminder without a row (its registering turn rolled back, or it was removed) removes itself.
    /// </summary>
    internal async Task FireReminderAsync(DurableGrain grain, string name)
    {
        var turn = Current;
        DateTimeOffset dueAt;
        long? periodMs;
        string? cron, zone;
        await using (var select = new NpgsqlCommand(RuntimeSql.LockReminder, Connection, Transaction))
        {
            select.Parameters.AddWithValue("grain_type", Id.Type);
            select.Parameters.AddWithValue("grain_key", Id.Key);
            select.Parameters.AddWithValue("name", name);
            await using var reader = await select.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                Reminders.OrleansReminders.Remove(turn.State, Id, name);
                return;
            }

            dueAt = reader.GetFieldValue<DateTimeOffset>(0);
            periodMs = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            cron = reader.IsDBNull(2) ? null : reader.GetString(2);
            zone = reader.IsDBNull(3) ? null : reader.GetString(3);
        }

        if (dueAt > Now)
        {
            return; // woken early: the row's time rules
        }

        var next = ReminderSchedule.Next(periodMs, cron, zone, dueAt, Now);
        await using (var advance = new NpgsqlCommand(RuntimeSql.AdvanceReminder, Connection, Transaction))
        {
            advance.Parameters.AddWithValue("grain_type", Id.Type);
            advance.Parameters.AddWithValue("grain_key", Id.Key);
            advance.Parameters.AddWithValue("name", name);
            advance.Parameters.AddWithValue("next", next);
            await advance.ExecuteNonQueryAsync();
        }

        if (cron is not null)
        {
            Reminders.OrleansReminders.Reaim(turn.State, Id, name, next);
        }

        await registry.DispatchAsync(grain, new ReminderTick(name, dueAt, Now));
    }

    /// <summary>
    /// Applies a posted message in the current turn: deletes its row, then runs its handler. No row
    /// means an earlier delivery already committed it, and nothing happens again.
    /// </summary>
    internal async Task ReceiveAsync(DurableGrain grain, DeliveredMessage message)
    {
        if (message.InboxVersion is { } version)
        {
            Current.State.ReleaseInboxOnCommit(Id, version);
        }

        if (!await TakeAsync(message.Id))
        {
            return; // applied already: a delivery that was repeated
        }

        await registry.DispatchAsync(grain, registry.DeserializeMessage(message.Type, message.Payload));
    }

    /// <summary>
    /// Whether the message was still queued. A delivery call's messages were taken with the turn's lock:
    /// one missing from those was gone already, so no second look is needed.
    /// </summary>
    private async Task<bool> TakeAsync(long messageId)
    {
        if (Current.State.TakenMessages is { } taken)
        {
            return taken.Remove(messageId);
        }

        await using var delete = new NpgsqlCommand(RuntimeSql.TakeMessage, Connection, Transaction);
        delete.Parameters.AddWithValue("id", messageId);
        delete.Parameters.AddWithValue("grain_type", Id.Type);
        delete.Parameters.AddWithValue("grain_key", Id.Key);
        return await delete.ExecuteNonQueryAsync() > 0;
    }

    /// <summary>
    /// Applies several messages in the current turn, in order, each as <see cref="ReceiveAsync"/> does,
    /// with its own sender as the turn's actor while it is handled.
    /// </summary>
    internal async Task ReceiveAllAsync(DurableGrain grain, DeliveredMessage[] messages)
    {
        var state = Current.State;
        var actor = state.Actor;
        try
        {
            foreach (var message in messages)
            {
                state.Actor = message.Sender ?? actor;
                using (message.Sender is { } sender ? CallerContext.As(sender) : null)
                {
                    await ReceiveAsync(grain, message);
                }
            }
        }
        finally
        {
            state.Actor = actor;
        }
    }

    internal void Leave() => _turn = null;

    public Task PostAsync<TGrain>(string key, object message, TimeSpan? delay = null) where TGrain : class => Current.PostAsync<TGrain>(key, message, delay);

    public Task PublishAsync(string stream, string type, object payload, long? companyId = null) => Current.PublishAsync(stream, type, payload, companyId);

    public Task<long> PublishNowAsync(string stream, string type, object payload, long? companyId = null) => Current.PublishNowAsync(stream, type, payload, companyId);

    public Task SavepointAsync(string name) => Current.SavepointAsync(name);

    public Task RollbackToSavepointAsync(string name) => Current.RollbackToSavepointAsync(name);

    public Task ReleaseSavepointAsync(string name) => Current.ReleaseSavepointAsync(name);

    public Task RegisterReminderAsync(string name, ReminderSchedule schedule) => Current.RegisterReminderAsync(name, schedule);

    public Task UnregisterReminderAsync(string name) => Current.UnregisterReminderAsync(name);

    public Task<Guid> ScheduleActivityAsync(string kind, object input, ActivityOptions? options = null, Guid? id = null) => Current.ScheduleActivityAsync(kind, input, options, id);

    public Task<bool> CancelActivityAsync(Guid activityId) => Current.CancelActivityAsync(activityId);
}
