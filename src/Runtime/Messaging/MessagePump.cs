using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Messaging;

/// <summary>
/// Delivers posted messages. Each loop leases a batch of due inboxes, then for each grain opens one
/// transaction, takes the grain's lock, and applies its queue head in FIFO order, each message in a
/// savepoint that also deletes it: the effect happens exactly once. A failing message is retried
/// with exponential backoff (holding back the messages behind it), then dead-lettered.
/// </summary>
public sealed class MessagePump(
    NpgsqlDataSource dataSource,
    TurnExecutor executor,
    GrainRegistry registry,
    SiloIdentity silo,
    WorkSignal signal,
    TimeProvider time,
    IOptions<SiloOptions> siloOptions,
    IOptions<FluidRuntimeOptions> runtimeOptions,
    ILogger<MessagePump> logger) : BackgroundService
{
    private readonly SiloOptions _options = siloOptions.Value;
    private readonly FluidRuntimeOptions _runtime = runtimeOptions.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.MessageWorkers)).Select(_ => LoopAsync(stoppingToken)));

    private Task LoopAsync(CancellationToken stoppingToken)
    {
        var unfinished = new List<GrainId>();
        return PumpLoop.RunAsync("message", async cancellationToken =>
        {
            if (unfinished.Count > 0)
            {
                // A failed batch keeps its leases; hand them back so the grains are not stuck until expiry.
                await ReleaseAsync(unfinished, cancellationToken);
                unfinished.Clear();
            }

            var claimed = await ClaimAsync(cancellationToken);
            unfinished.AddRange(claimed);
            foreach (var grain in claimed)
            {
                await ProcessGrainAsync(grain, cancellationToken);
                unfinished.Remove(grain);
            }

            if (claimed.Count == 0)
            {
                await signal.WaitAsync(_options.PollInterval, cancellationToken);
            }
        }, time, logger, stoppingToken);
    }

    private async Task ReleaseAsync(List<GrainId> grains, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ReleaseInboxLeases);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("types", grains.Select(g => g.Type).ToArray());
        command.Parameters.AddWithValue("keys", grains.Select(g => g.Key).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<GrainId>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand(RuntimeSql.ClaimInboxes);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease_until", now + _options.InboxLease);
        command.Parameters.AddWithValue("limit", _options.InboxClaimBatch);
        var grains = new List<GrainId>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            grains.Add(new GrainId(reader.GetString(0), reader.GetString(1)));
        }

        return grains;
    }

    /// <summary>Applies the due head of one grain's queue. Retries the whole transaction on deadlock.</summary>
    internal async Task ProcessGrainAsync(GrainId grain, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ProcessGrainOnceAsync(grain, cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < _runtime.MaxTurnAttempts && TurnExecutor.IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                Log.TurnRetried(logger, grain.ToString(), attempt, ex.Message);
                await Task.Delay(TurnExecutor.Backoff(attempt), time, cancellationToken);
            }
        }
    }

    private async Task ProcessGrainOnceAsync(GrainId grain, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = new TurnState(connection, transaction, time.GetUtcNow(), actor: null, readOnly: false);
        await state.LockAsync(grain, cancellationToken);

        long version;
        await using (var read = new NpgsqlCommand(RuntimeSql.InboxVersion, connection, transaction))
        {
            AddGrain(read, grain);
            version = (long)(await read.ExecuteScalarAsync(cancellationToken) ?? 0L);
        }

        var head = new List<QueuedMessage>();
        await using (var read = new NpgsqlCommand(RuntimeSql.ReadQueueHead, connection, transaction))
        {
            AddGrain(read, grain);
            read.Parameters.AddWithValue("limit", _options.MessagesPerTransaction);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                head.Add(new QueuedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6)));
            }
        }

        using (TurnExecutor.Enter(state))
        {
            foreach (var message in head)
            {
                state.Now = time.GetUtcNow();
                if (message.DueAt > state.Now)
                {
                    break; // the head is backing off: strict FIFO holds the rest back
                }

                if (!await ApplyAsync(state, grain, message, cancellationToken))
                {
                    break;
                }
            }
        }

        await using (var release = new NpgsqlCommand(RuntimeSql.ReleaseInbox, connection, transaction))
        {
            AddGrain(release, grain);
            release.Parameters.AddWithValue("version", version);
            release.Parameters.AddWithValue("now", time.GetUtcNow());
            await release.ExecuteNonQueryAsync(cancellationToken);
        }

        await state.NotifyAsync(_runtime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Applies one message in a savepoint; on failure records the attempt. Returns false to stop the batch.</summary>
    private async Task<bool> ApplyAsync(TurnState state, GrainId grain, QueuedMessage message, CancellationToken cancellationToken)
    {
        await state.Transaction.SaveAsync("msg", cancellationToken);
        var (lastEvent, workPosted) = (state.LastEventPosition, state.WorkPosted);
        try
        {
            state.Actor = message.Sender;
            var body = registry.DeserializeMessage(message.Type, message.Payload);
            await executor.DeliverAsync(state, grain, body, cancellationToken);
            await using var delete = new NpgsqlCommand(RuntimeSql.DeleteMessage, state.Connection, state.Transaction);
            delete.Parameters.AddWithValue("id", message.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
            await state.Transaction.ReleaseAsync("msg", cancellationToken);
            return true;
        }
        catch (Exception ex) when (!TurnExecutor.IsRetryable(ex) && ex is not OperationCanceledException && IsHandlerFailure(ex))
        {
            await state.Transaction.RollbackAsync("msg", cancellationToken);
            (state.LastEventPosition, state.WorkPosted) = (lastEvent, workPosted);
            await RecordFailureAsync(state, grain, message, ex, cancellationToken);
            return false;
        }
    }

    /// <summary>A broken connection is the infrastructure's failure, not the message's: it must not count as an attempt.</summary>
    private static bool IsHandlerFailure(Exception ex) => ex is not NpgsqlException || ex is PostgresException;

    private async Task RecordFailureAsync(TurnState state, GrainId grain, QueuedMessage message, Exception error, CancellationToken cancellationToken)
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
            var context = new GrainContext(grain, state, null!, registry);
            await context.PublishAsync("runtime", "runtime.dead_lettered", new { DeadLetterId = deadId, Grain = grain.ToString(), message.Type, Attempts = attempts, Error = text });
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

    private static void AddGrain(NpgsqlCommand command, GrainId grain)
    {
        command.Parameters.AddWithValue("grain_type", grain.Type);
        command.Parameters.AddWithValue("grain_key", grain.Key);
    }

    private sealed record QueuedMessage(long Id, string Type, string Payload, string? Sender, DateTimeOffset DueAt, int Attempts);
}
