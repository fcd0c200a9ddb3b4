using System.Text.Json;
using Npgsql;

namespace FluidManager.Runtime.Grains;

/// <summary>What a grain sees of the turn it runs in.</summary>
public interface ITurnContext
{
    GrainKey Id { get; }

    string Key { get; }

    /// <summary>The turn's clock reading; the same value for the whole turn.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Who asked for the turn ("human:3", "agent:7", "system"), when known.</summary>
    string? Actor { get; }

    /// <summary>The turn's connection; use it with <see cref="Transaction"/> for the grain's own rows.</summary>
    NpgsqlConnection Connection { get; }

    NpgsqlTransaction Transaction { get; }

    /// <summary>
    /// Orleans' grain factory, for a call that must not join this turn: it runs in the target's own
    /// turn, whatever this one does (a refusal's record outlives the refused turn's rollback). Start it
    /// with the turn's execution context suppressed, so that it does not wait on this turn's locks.
    /// </summary>
    IGrainFactory Cluster { get; }

    /// <summary>Another grain, whose commands commit with this turn and whose reads see it (see <see cref="IJoinedGrain{TGrain}"/>).</summary>
    IJoinedGrain<TGrain> Join<TGrain>(string key) where TGrain : class;

    /// <summary>
    /// Sends a durable one-way message, delivered after this turn commits, exactly once, FIFO per target.
    /// The message is serialised now and written with the commit.
    /// </summary>
    Task PostAsync<TGrain>(string key, object message, TimeSpan? delay = null) where TGrain : class;

    /// <summary>
    /// Writes an event row in this turn; it becomes visible (and is pushed live) when the turn commits.
    /// The payload is serialised now and the row written with the commit.
    /// </summary>
    Task PublishAsync(string stream, string type, object payload, long? companyId = null);

    /// <summary>
    /// Writes an event row now, in this turn, and returns its position, for a caller that must give it
    /// out; it too becomes visible when the turn commits. <see cref="PublishAsync"/> costs a round trip less.
    /// </summary>
    Task<long> PublishNowAsync(string stream, string type, object payload, long? companyId = null);

    /// <summary>
    /// Sets a savepoint in the turn's transaction. Use these three, not the transaction's own savepoint
    /// methods: a rollback to the savepoint must also drop the events, messages and reminder changes
    /// the turn queued since, which go to the database with the commit.
    /// </summary>
    Task SavepointAsync(string name);

    /// <summary>Undoes what the turn did since the savepoint: its rows, and the events, messages and reminder changes it queued.</summary>
    Task RollbackToSavepointAsync(string name);

    /// <summary>Releases the savepoint: what the turn did since stays part of it.</summary>
    Task ReleaseSavepointAsync(string name);

    Task RegisterReminderAsync(string name, ReminderSchedule schedule);

    Task UnregisterReminderAsync(string name);

    /// <summary>
    /// Schedules slow work outside the turn; its outcome comes back as a message to this grain. The row
    /// is written with the commit, so the turn's own queries of the activity queue do not see it.
    /// </summary>
    Task<Guid> ScheduleActivityAsync(string kind, object input, ActivityOptions? options = null, Guid? id = null);

    /// <summary>Cancels one activity of this grain; a running worker stops at its next heartbeat.</summary>
    Task<bool> CancelActivityAsync(Guid activityId);
}

/// <summary>Implemented by a grain class for each message type it accepts through <see cref="ITurnContext.PostAsync{TGrain}"/>.</summary>
public interface IHandle<in TMessage>
{
    Task HandleAsync(TMessage message);
}

/// <summary>Implemented by grains that register reminders.</summary>
public interface IReminderTarget
{
    Task ReceiveReminderAsync(ReminderTick tick);
}

/// <summary>Implemented by grains that schedule activities: receives each activity's outcome exactly once.</summary>
public interface IActivityOwner
{
    Task OnActivityCompletedAsync(ActivityOutcome outcome);
}

/// <summary>A reminder firing: the time it was due and the time it was delivered.</summary>
public sealed record ReminderTick(string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt);

/// <summary>How an activity ended.</summary>
public sealed record ActivityOutcome(Guid Id, string Kind, bool Succeeded, JsonElement? Result, string? Error, int Attempts)
{
    public T? ResultAs<T>() => Result is { } element ? element.Deserialize<T>(RuntimeJson.Options) : default;
}

/// <summary>Retry, timeout and delay of one activity.</summary>
public sealed record ActivityOptions
{
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First retry delay; doubles on each further attempt.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Delay { get; init; } = TimeSpan.Zero;
}

/// <summary>Raised when a grain would call back into a grain already in the same turn.</summary>
/// <remarks>Serializable, so that a caller on another silo gets this exception and its call chain, not a codec error.</remarks>
[GenerateSerializer]
[Alias("fm.runtime.GrainReentrancyException")]
public sealed class GrainReentrancyException(string message) : InvalidOperationException(message);

/// <summary>Raised when a grain type or message has no registration.</summary>
/// <remarks>Serializable, so that a caller on another silo gets this exception and its fix, not a codec error.</remarks>
[GenerateSerializer]
[Alias("fm.runtime.GrainRegistrationException")]
public sealed class GrainRegistrationException(string message) : InvalidOperationException(message);
