using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Silos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Messaging;

/// <summary>
/// Delivers posted messages. It leases due inboxes up to its free delivery slots and delivers each
/// grain's queue head in FIFO order on its own (one Orleans call per message, the receiver
/// deleting the message in the transaction of its effect): the effect happens exactly once. A failing
/// message is retried with exponential backoff (holding back the messages behind it), then dead-lettered.
/// </summary>
public sealed class MessagePump(
    NpgsqlDataSource dataSource,
    SiloIdentity silo,
    WorkSignal signal,
    CommitHints hints,
    TimeProvider time,
    IOptions<SiloOptions> siloOptions,
    IOptions<FluidRuntimeOptions> runtimeOptions,
    IServiceProvider services,
    ILogger<MessagePump> logger) : BackgroundService
{
    /// <summary>Messages reach their grains as Orleans calls.</summary>
    private readonly IGrainFactory _orleans = services.GetRequiredService<IGrainFactory>();

    private readonly SiloOptions _options = siloOptions.Value;
    private readonly FluidRuntimeOptions _runtime = runtimeOptions.Value;

    /// <summary>Given when a delivery ends: a slot is free, and its grain may have become due again meanwhile.</summary>
    private readonly Pulse _deliveryEnded = new();

    private SemaphoreSlim _slots = null!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var capacity = Math.Max(1, _options.MessageDeliveries);
        _slots = new SemaphoreSlim(capacity, capacity);
        try
        {
            await PumpLoop.RunAsync("message", ClaimAndDeliverAsync, time, logger, stoppingToken);
        }
        finally
        {
            // The deliveries under way end (each is one grain call per message); leases left are handed back on stop.
            while (_slots.CurrentCount < capacity)
            {
                await _deliveryEnded.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Leases as many due inboxes as there are free delivery slots and starts delivering each at once,
    /// without waiting for the others: a slow grain never holds back the rest. It looks again when a
    /// message is posted, when a delivery ends (a slot frees, and a message posted to a grain while it
    /// was leased is due once its lease is released), or at the latest after the poll interval.
    /// </summary>
    private async Task ClaimAndDeliverAsync(CancellationToken cancellationToken)
    {
        // Waits are taken before looking, so that a signal given while looking still wakes the loop.
        var posted = signal.Messages.WaitAsync(_options.PollInterval, cancellationToken);
        var ended = _deliveryEnded.WaitAsync(_options.PollInterval, cancellationToken);
        var limit = Math.Min(_slots.CurrentCount, _options.InboxClaimBatch);
        var claimed = limit > 0 ? await ClaimAsync(limit, cancellationToken) : [];
        foreach (var inbox in claimed)
        {
            await _slots.WaitAsync(cancellationToken);
            _ = DeliverAsync(inbox, cancellationToken);
        }

        if (_slots.CurrentCount == 0)
        {
            await ended;
        }
        else if (claimed.Count < limit)
        {
            await Task.WhenAny(posted, ended);
        }
    }

    private async Task DeliverAsync(ClaimedInbox inbox, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var grain = inbox.Grain;
        try
        {
            await ProcessGrainAsync(inbox, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the silo hands its leases back.
        }
        catch (Exception ex)
        {
            Log.PumpFailed(logger, "message", 1, $"{grain}: {ex.Message}");
            try
            {
                // Handed back, so that the grain is not stuck until its lease expires.
                await ReleaseAsync([grain], CancellationToken.None);
            }
            catch (Exception release) when (release is NpgsqlException or TimeoutException)
            {
                // The lease expires and another look delivers it.
            }
        }
        finally
        {
            _slots.Release();
            _deliveryEnded.Set();
        }
    }

    private async Task ReleaseAsync(List<GrainKey> grains, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ReleaseInboxLeases);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("types", grains.Select(g => g.Type).ToArray());
        command.Parameters.AddWithValue("keys", grains.Select(g => g.Key).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Leases due inboxes, each with its version and queue head, in one round trip.</summary>
    private async Task<List<ClaimedInbox>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand(RuntimeSql.ClaimInboxes);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease_until", now + _options.InboxLease);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("per_grain", _options.MessagesPerTransaction);
        var inboxes = new List<ClaimedInbox>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var grain = new GrainKey(reader.GetString(0), reader.GetString(1));
            if (inboxes.Count == 0 || inboxes[^1].Grain != grain)
            {
                inboxes.Add(new ClaimedInbox(grain, reader.GetInt64(2), []));
            }

            if (!reader.IsDBNull(3))
            {
                inboxes[^1].Head.Add(ReadMessage(reader, first: 3));
            }
        }

        return inboxes;
    }

    /// <summary>
    /// Applies the due head of one grain's queue, as read with its lease. Retries the whole delivery on
    /// deadlock, from a fresh read of the queue.
    /// </summary>
    private async Task ProcessGrainAsync(ClaimedInbox inbox, CancellationToken cancellationToken)
    {
        var (version, head) = (inbox.Version, inbox.Head);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DeliverHeadAsync(inbox.Grain, version, head, cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < _runtime.MaxTurnAttempts && GrainTransactions.IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                Log.TurnRetried(logger, inbox.Grain.ToString(), attempt, ex.Message);
                await Task.Delay(GrainTransactions.Backoff(attempt), time, cancellationToken);
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                (version, head) = await ReadHeadAsync(connection, inbox.Grain, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Hands the due head of one grain's queue to its activation, one Orleans call per message, in
    /// order. A message the grain refuses is deferred with backoff or dead-lettered, and holds the
    /// rest back. A delivery whose outcome is unknown (a timeout, a silo gone) is simply tried again:
    /// the receiver applies a message only while its row exists.
    /// </summary>
    private async Task DeliverHeadAsync(GrainKey grain, long version, List<QueuedMessage> head, CancellationToken cancellationToken)
    {
        var target = _orleans.GetGrain<IMessageTarget>(GrainId.Create(grain.Type, grain.Key));
        var together = await DeliverTogetherAsync(target, head, version, cancellationToken);
        if (together > 0 && together == head.Count)
        {
            return; // the turn released the inbox with its commit
        }

        head = head[together..];
        for (var i = 0; i < head.Count; i++)
        {
            var message = head[i];
            if (message.DueAt > time.GetUtcNow())
            {
                break; // the head is backing off: strict FIFO holds the rest back
            }

            var last = i == head.Count - 1;
            try
            {
                using (message.Sender is { } sender ? CallerContext.As(sender) : null)
                {
                    await target.ReceiveAsync(new DeliveredMessage(message.Id, message.Type, message.Payload, InboxVersion: last ? version : null));
                }

                if (last)
                {
                    return; // the turn released the inbox with its commit
                }
            }
            catch (Exception ex) when (IsHandlerFailure(ex) && !IsDeliveryFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var state = new TurnState(connection, transaction, time.GetUtcNow(), actor: null, readOnly: false) { Hints = hints };
                await state.LockAsync(grain, cancellationToken);
                await RecordFailureAsync(state, grain, message, ex, cancellationToken);
                await using var finish = new NpgsqlBatch(connection, transaction);
                finish.BatchCommands.Add(TurnState.InboxRelease(grain, version: -1, state.Now));
                await state.CommitWithAsync(finish, cancellationToken);
                return;
            }
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var release = new NpgsqlBatch(connection);
            release.BatchCommands.Add(TurnState.InboxRelease(grain, version, time.GetUtcNow()));
            await release.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Hands the due messages at the head of the queue, when there are two or more, to the grain in one
    /// call, applied in one turn, and returns how many it applied. None when there were fewer, or when one
    /// of them failed: that turn rolled back whole, and the caller delivers them one at a time, so that
    /// only the failing one is retried or dead-lettered. When the whole head is due, the last message
    /// carries the inbox version, and the turn releases the inbox with its commit.
    /// </summary>
    private async Task<int> DeliverTogetherAsync(IMessageTarget target, List<QueuedMessage> head, long version, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = head.TakeWhile(m => m.DueAt <= now).Select(m => new DeliveredMessage(m.Id, m.Type, m.Payload, m.Sender)).ToArray();
        if (due.Length < 2)
        {
            return 0;
        }

        if (due.Length == head.Count)
        {
            due[^1] = due[^1] with { InboxVersion = version };
        }

        try
        {
            await target.ReceiveAllAsync(due);
            return due.Length;
        }
        catch (Exception ex) when (IsHandlerFailure(ex) && !IsDeliveryFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static bool IsDeliveryFailure(Exception ex) =>
        ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or OperationCanceledException;

    private async Task<(long Version, List<QueuedMessage> Head)> ReadHeadAsync(NpgsqlConnection connection, GrainKey grain, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var version = new NpgsqlBatchCommand(RuntimeSql.InboxVersion);
        AddGrain(version.Parameters, grain);
        var head = new NpgsqlBatchCommand(RuntimeSql.ReadQueueHead);
        AddGrain(head.Parameters, grain);
        head.Parameters.AddWithValue("limit", _options.MessagesPerTransaction);
        batch.BatchCommands.Add(version);
        batch.BatchCommands.Add(head);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var inboxVersion = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0L;
        await reader.NextResultAsync(cancellationToken);
        return (inboxVersion, await ReadMessagesAsync(reader, cancellationToken));
    }

    private static async Task<List<QueuedMessage>> ReadMessagesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<QueuedMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ReadMessage(reader, first: 0));
        }

        return messages;
    }

    /// <summary>A queued message from the columns id, message_type, payload, sender, due_at and attempts, from <paramref name="first"/> on.</summary>
    private static QueuedMessage ReadMessage(NpgsqlDataReader reader, int first) => new(
        reader.GetInt64(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.GetFieldValue<DateTimeOffset>(first + 4), reader.GetInt32(first + 5));

    private static bool IsHandlerFailure(Exception ex) => ex is not NpgsqlException || ex is PostgresException;

    private async Task RecordFailureAsync(TurnState state, GrainKey grain, QueuedMessage message, Exception error, CancellationToken cancellationToken)
    {
        var attempts = message.Attempts + 1;
        var text = $"{error.GetType().Name}: {error.Message}";
        if (attempts >= _runtime.MaxMessageAttempts)
        {
            await using var dead = new NpgsqlCommand(RuntimeSql.DeadLetterMessage, state.Connection, state.Transaction);
            dead.Parameters.AddWithValue("id", message.Id);
            dead.Parameters.AddWithValue("attempts", attempts);
            dead.Parameters.AddWithValue("error", text);
            dead.Parameters.AddWithValue("now", state.Now);
            var deadId = (long)(await dead.ExecuteScalarAsync(cancellationToken))!;
            state.Publish("runtime", "runtime.dead_lettered", new { DeadLetterId = deadId, Grain = grain.ToString(), message.Type, Attempts = attempts, Error = text }, companyId: null);
            Log.MessageDeadLettered(logger, message.Id, grain.ToString(), attempts, text);
            return;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Min(_runtime.MessageBackoffMax.TotalMilliseconds, _runtime.MessageBackoff.TotalMilliseconds * Math.Pow(2, attempts - 1)));
        await using var defer = new NpgsqlCommand(RuntimeSql.DeferMessage, state.Connection, state.Transaction);
        defer.Parameters.AddWithValue("id", message.Id);
        defer.Parameters.AddWithValue("attempts", attempts);
        defer.Parameters.AddWithValue("error", text);
        defer.Parameters.AddWithValue("due_at", state.Now + delay);
        await defer.ExecuteNonQueryAsync(cancellationToken);
        Log.MessageFailed(logger, message.Id, grain.ToString(), attempts, text);
    }

    private static void AddGrain(NpgsqlParameterCollection parameters, GrainKey grain)
    {
        parameters.AddWithValue("grain_type", grain.Type);
        parameters.AddWithValue("grain_key", grain.Key);
    }

    /// <summary>A grain whose inbox this silo leased, with the inbox version and the queue head read with the lease.</summary>
    private sealed record ClaimedInbox(GrainKey Grain, long Version, List<QueuedMessage> Head);

    private sealed record QueuedMessage(long Id, string Type, string Payload, string? Sender, DateTimeOffset DueAt, int Attempts);
}
