using FluidManager.Runtime.Messaging;
using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// The <see cref="ITurnContext"/> of an Orleans activation: one per activation, pointing at the turn
/// its current call runs in. <see cref="TurnCallFilter"/> opens and closes the turns.
/// </summary>
internal sealed class ActivationTurnContext(IGrainContext activation, GrainRegistry registry) : ITurnContext
{
    private TurnContext? _turn;

    public IGrainContext Activation => activation;

    public GrainKey Id => Current.Id;

    public string Key => Current.Key;

    public DateTimeOffset Now => Current.Now;

    public string? Actor => Current.Actor;

    public NpgsqlConnection Connection => Current.Connection;

    public NpgsqlTransaction Transaction => Current.Transaction;

    public ITurnGrainFactory Grains => Current.Grains;

    private TurnContext Current => _turn
        ?? throw new InvalidOperationException($"{activation.GrainId} has no turn in progress: grain state is only reachable from inside a grain call.");

    internal void Enter(TurnContext turn) => _turn = turn;

    /// <summary>
    /// Applies a posted message in the current turn: deletes its row, then runs its handler. No row
    /// means an earlier delivery already committed it, and nothing happens again.
    /// </summary>
    internal async Task ReceiveAsync(DurableGrain grain, DeliveredMessage message)
    {
        await using var delete = new NpgsqlCommand(RuntimeSql.TakeMessage, Connection, Transaction);
        delete.Parameters.AddWithValue("id", message.Id);
        delete.Parameters.AddWithValue("grain_type", Id.Type);
        delete.Parameters.AddWithValue("grain_key", Id.Key);
        if (await delete.ExecuteNonQueryAsync() == 0)
        {
            return;
        }

        await registry.DispatchAsync(grain, registry.DeserializeMessage(message.Type, message.Payload));
    }

    internal void Leave() => _turn = null;

    public Task PostAsync<TGrain>(string key, object message, TimeSpan? delay = null) where TGrain : class => Current.PostAsync<TGrain>(key, message, delay);

    public Task<long> PublishAsync(string stream, string type, object payload, long? companyId = null) => Current.PublishAsync(stream, type, payload, companyId);

    public Task RegisterReminderAsync(string name, ReminderSchedule schedule) => Current.RegisterReminderAsync(name, schedule);

    public Task UnregisterReminderAsync(string name) => Current.UnregisterReminderAsync(name);

    public Task<Guid> ScheduleActivityAsync(string kind, object input, ActivityOptions? options = null, Guid? id = null) => Current.ScheduleActivityAsync(kind, input, options, id);

    public Task<bool> CancelActivityAsync(Guid activityId) => Current.CancelActivityAsync(activityId);
}
