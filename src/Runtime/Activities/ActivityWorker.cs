using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Silos;
using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Activities;

/// <summary>
/// Claims activities with a lease, runs them outside any transaction, renews the lease by heartbeat,
/// and reports each outcome to the owner grain in the transaction that marks the activity done, only
/// while it still holds the lease for that attempt (fencing): posted to the owner's queue, which
/// delivers it as an Orleans call. Cancellation and lost leases are seen
/// at the next heartbeat; on drain, unfinished work is handed back.
/// </summary>
public sealed class ActivityWorker(
    NpgsqlDataSource dataSource,
    IEnumerable<IActivityHandler> handlers,
    GrainRegistry registry,
    SiloIdentity silo,
    WorkSignal signal,
    CommitHints hints,
    TimeProvider time,
    IOptions<SiloOptions> siloOptions,
    ILogger<ActivityWorker> logger) : BackgroundService
{
    private const int FlushBatch = 256;
    private readonly SiloOptions _options = siloOptions.Value;
    private readonly Dictionary<string, IActivityHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Guid Id, int Attempt), Running> _running = new();
    private readonly Channel<Finished> _finished = Channel.CreateUnbounded<Finished>();

    /// <summary>Runs that ended but whose outcome is not committed yet: the heartbeat keeps their leases until it is.</summary>
    private readonly ConcurrentDictionary<(Guid Id, int Attempt), byte> _unflushed = new();
    private readonly CancellationTokenSource _abandon = new();
    private SemaphoreSlim _slots = null!;
    private readonly Pulse _slotFreed = new();

    /// <summary>Activities this silo is running now.</summary>
    public int InFlight => _running.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        _slots = new SemaphoreSlim(_options.ActivitySlots, _options.ActivitySlots);
        var flushers = Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.CompletionWorkers)).Select(_ => FlushLoopAsync()));
        var heartbeat = HeartbeatLoopAsync(_abandon.Token);
        try
        {
            await ClaimLoopAsync(stoppingToken);
        }
        finally
        {
            await DrainAsync();
            _finished.Writer.TryComplete();
            await flushers;
            await _abandon.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        var lastExpiredScan = DateTimeOffset.MinValue;
        return PumpLoop.RunAsync("activity", async cancellationToken =>
        {
            // Taken before looking, so that activities scheduled while it looks still wake it.
            var scheduled = signal.Activities.Next;
            var claimed = 0;
            if (_slots.CurrentCount > 0)
            {
                claimed = await ClaimAsync(RuntimeSql.ClaimPendingActivities, _slots.CurrentCount, cancellationToken);
                if (time.GetUtcNow() - lastExpiredScan > _options.ActivityLease / 3 && _slots.CurrentCount > 0)
                {
                    lastExpiredScan = time.GetUtcNow();
                    claimed += await ClaimAsync(RuntimeSql.ClaimExpiredActivities, _slots.CurrentCount, cancellationToken);
                }
            }

            if (claimed == 0)
            {
                await Pulse.WaitAsync(scheduled, _options.PollInterval, cancellationToken);
            }
            else if (_slots.CurrentCount == 0)
            {
                // More may be waiting: claim again as soon as a slot frees, not at the next poll. The wait
                // is taken before the second look, so a slot freed in between still wakes it.
                var freed = _slotFreed.WaitAsync(_options.PollInterval, cancellationToken);
                if (_slots.CurrentCount == 0)
                {
                    await freed;
                }
            }
        }, time, logger, stoppingToken);
    }

    private async Task<int> ClaimAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var batch = RuntimeSql.OrderedClaim(dataSource, sql, out var command);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease_until", now + _options.ActivityLease);
        command.Parameters.AddWithValue("limit", limit);
        var claimed = new List<Claimed>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new Claimed(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(), reader.GetInt32(5), reader.GetInt32(6),
                    TimeSpan.FromMilliseconds(reader.GetInt64(7)), TimeSpan.FromMilliseconds(reader.GetInt64(8))));
            }
        }

        foreach (var activity in claimed)
        {
            await _slots.WaitAsync(CancellationToken.None);
            var running = new Running(activity, CancellationTokenSource.CreateLinkedTokenSource(_abandon.Token));
            _running[(activity.Id, activity.Attempt)] = running;
            running.Task = Task.Run(() => RunAsync(running), CancellationToken.None);
        }

        return claimed.Count;
    }

    private async Task RunAsync(Running running)
    {
        var activity = running.Activity;
        var started = time.GetTimestamp();
        try
        {
            if (activity.Attempt > activity.MaxAttempts)
            {
                await ReportAsync(Finished.Fail(activity, $"gave up after {activity.MaxAttempts} attempts (last lease expired)", final: true));
                return;
            }

            if (!_handlers.TryGetValue(activity.Kind, out var handler))
            {
                await ReportAsync(Finished.Fail(activity, $"no handler is registered for activity kind '{activity.Kind}'", final: activity.Attempt >= activity.MaxAttempts));
                return;
            }

            running.Cancellation.CancelAfter(activity.Timeout);
            var execution = new ActivityExecution(activity.Id, activity.Kind, $"{activity.GrainType}/{activity.GrainKey}", activity.Input, activity.Attempt, activity.MaxAttempts,
                progress => ReportProgressAsync(activity, progress));
            object? result;
            using (var span = StartSpan(activity))
            {
                try
                {
                    result = await handler.ExecuteAsync(execution, running.Cancellation.Token);
                }
                catch (Exception ex)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    FluidTelemetry.ActivityDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("fm.activity.kind", activity.Kind), new("outcome", "failed"));
                    throw;
                }
            }

            FluidTelemetry.ActivityDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("fm.activity.kind", activity.Kind), new("outcome", "succeeded"));
            await ReportAsync(Finished.Succeed(activity, result));
            Log.ActivityCompleted(logger, activity.Id, activity.Kind, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (running.Cancellation.IsCancellationRequested)
        {
            if (running.Stopped)
            {
                return; // cancelled by its owner, lease lost, or handed back on drain: nothing to report
            }

            await ReportAsync(Finished.Fail(activity, $"timed out after {activity.Timeout.TotalSeconds:0.###} s", final: activity.Attempt >= activity.MaxAttempts));
        }
        catch (Exception ex)
        {
            Log.ActivityFailed(logger, activity.Id, activity.Kind, activity.Attempt, ex.Message);
            await ReportAsync(Finished.Fail(activity, $"{ex.GetType().Name}: {ex.Message}", final: activity.Attempt >= activity.MaxAttempts));
        }
        finally
        {
            _running.TryRemove((activity.Id, activity.Attempt), out _);
            running.Cancellation.Dispose();
            _slots.Release();
            _slotFreed.Set();
        }
    }

    /// <summary>Hands an outcome to the flushers; its lease is renewed until the flush commits it.</summary>
    private ValueTask ReportAsync(Finished finished)
    {
        _unflushed[(finished.Activity.Id, finished.Activity.Attempt)] = 0;
        return _finished.Writer.WriteAsync(finished);
    }

    /// <summary>A span for one attempt, in the trace of its owner's group (a task's trace) when it has one.</summary>
    private System.Diagnostics.Activity? StartSpan(Claimed activity)
    {
        var owner = new GrainKey(activity.GrainType, activity.GrainKey);
        var span = FluidTelemetry.Work.StartActivity($"activity {activity.Kind}", ActivityKind.Internal, FluidTelemetry.TraceOf(registry, owner) ?? default);
        span?.SetTag("fm.activity.id", activity.Id.ToString());
        span?.SetTag("fm.activity.kind", activity.Kind);
        span?.SetTag("fm.activity.attempt", activity.Attempt);
        span?.SetTag("fm.grain", owner.ToString());
        span?.SetTag("fm.silo", silo.Name);
        return span;
    }

    private async Task ReportProgressAsync(Claimed activity, object progress)
    {
        await using var command = dataSource.CreateCommand(RuntimeSql.ReportActivityProgress);
        command.Parameters.AddWithValue("id", activity.Id);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("attempt", activity.Attempt);
        command.Parameters.AddWithValue("progress", NpgsqlTypes.NpgsqlDbType.Jsonb, JsonSerializer.Serialize(progress, progress.GetType(), RuntimeJson.Options));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Renews leases; stops the runs whose activity was cancelled or whose lease was taken.</summary>
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var interval = _options.ActivityLease / 3;
        long? lastBeat = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // A run that ended keeps its lease until its outcome is written, or a slow flush would lose it to a rerun.
            var running = _running.Keys.Select(k => k.Id).ToHashSet();
            var ids = running.Concat(_unflushed.Keys.Select(k => k.Id)).Distinct().ToArray();
            if (ids.Length == 0)
            {
                lastBeat = null;
                continue;
            }

            // Two thirds of a lease between renewals leaves a third for the renewal itself: later than
            // that, leases lapse and their activities are claimed again, and the operator should know why.
            if (lastBeat is { } last && time.GetElapsedTime(last) is var gap && gap > _options.ActivityLease * 2 / 3)
            {
                Log.HeartbeatLate(logger, (long)gap.TotalMilliseconds, (long)_options.ActivityLease.TotalMilliseconds);
            }

            lastBeat = time.GetTimestamp();

            try
            {
                var now = time.GetUtcNow();
                await using var command = dataSource.CreateCommand(RuntimeSql.HeartbeatActivities);
                command.Parameters.AddWithValue("ids", ids);
                command.Parameters.AddWithValue("silo", silo.Id);
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("lease_until", now + _options.ActivityLease);
                var alive = new HashSet<Guid>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        alive.Add(reader.GetGuid(0));
                    }
                }

                // Only the runs this heartbeat asked about: one claimed while it was on its way is not in its answer.
                foreach (var (key, run) in _running.Where(r => running.Contains(r.Key.Id) && !alive.Contains(r.Key.Id)))
                {
                    Log.ActivityStopped(logger, key.Id);
                    run.Stop();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.PumpFailed(logger, "activity heartbeat", 1, ex.Message);
            }
        }
    }

    /// <summary>Writes outcomes in batches: one transaction per batch, each statement fenced by lease and attempt.</summary>
    private async Task FlushLoopAsync()
    {
        await Task.Yield();
        var reader = _finished.Reader;
        var failures = 0;
        var pending = new List<Finished>();
        while (pending.Count > 0 || await reader.WaitToReadAsync())
        {
            while (pending.Count < FlushBatch && reader.TryRead(out var item))
            {
                pending.Add(item);
            }

            try
            {
                await FlushAsync(pending);
                Forget(pending);
                failures = 0;
            }
            catch (Exception ex)
            {
                failures++;
                Log.PumpFailed(logger, "activity completion", failures, ex.Message);
                if (failures > 50)
                {
                    Forget(pending); // leases expire and another silo reruns them: at-least-once holds
                }

                await SiloBackoff.DelayAsync(failures, time, CancellationToken.None);
            }
        }
    }

    private void Forget(List<Finished> flushed)
    {
        foreach (var item in flushed)
        {
            _unflushed.TryRemove((item.Activity.Id, item.Activity.Attempt), out _);
        }

        flushed.Clear();
    }

    /// <summary>
    /// Ends a batch of runs in one transaction, each fenced by lease and attempt, and posts every
    /// outcome whose run still held its lease to its owner's queue, in the same transaction: the
    /// owner applies it in a turn of its own, delivered as an Orleans call, exactly once, with the
    /// retries, backoff and dead letters of any message.
    /// </summary>
    private async Task FlushAsync(List<Finished> items)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ends = new List<(Finished Item, NpgsqlBatchCommand Command)>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var item in items)
            {
                var command = item.Ends ? FinishCommand(item, now) : RetryCommand(item, now);
                batch.BatchCommands.Add(command);
                if (item.Ends)
                {
                    ends.Add((item, command));
                }
            }

            await batch.ExecuteNonQueryAsync();
        }

        // The others lost their lease: not theirs to report.
        var posts = ends.Where(e => e.Command.RecordsAffected == 1).Select(e => e.Item).ToList();
        var state = new TurnState(connection, transaction, now, actor: null, readOnly: false) { Hints = hints };
        foreach (var item in posts)
        {
            state.Post(item.Owner, item.Outcome, item.Sender, now);
        }

        // The commit wakes this silo's message pump for the outcomes it posted (see CommitHints).
        await state.CommitAsync(CancellationToken.None);
    }

    private NpgsqlBatchCommand FinishCommand(Finished item, DateTimeOffset now)
    {
        var command = Fenced(RuntimeSql.FinishActivity, item, now);
        command.Parameters.AddWithValue("status", item.Succeeded ? "completed" : "failed");
        command.Parameters.AddWithValue("result", NpgsqlTypes.NpgsqlDbType.Jsonb, item.Result is { } r ? r.GetRawText() : DBNull.Value);
        command.Parameters.AddWithValue("error", NpgsqlTypes.NpgsqlDbType.Text, (object?)item.Error ?? DBNull.Value);
        return command;
    }

    private NpgsqlBatchCommand RetryCommand(Finished item, DateTimeOffset now)
    {
        var command = Fenced(RuntimeSql.RetryActivity, item, now);
        command.Parameters.AddWithValue("error", item.Error ?? "failed");
        command.Parameters.AddWithValue("due_at", now + TimeSpan.FromMilliseconds(item.Activity.Backoff.TotalMilliseconds * Math.Pow(2, item.Activity.Attempt - 1)));
        return command;
    }

    private NpgsqlBatchCommand Fenced(string sql, Finished item, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", item.Activity.Id);
        command.Parameters.AddWithValue("silo", silo.Id);
        command.Parameters.AddWithValue("attempt", item.Activity.Attempt);
        command.Parameters.AddWithValue("now", now);
        return command;
    }

    /// <summary>Waits for in-flight runs up to the grace period, then stops the rest and hands them back.</summary>
    private async Task DrainAsync()
    {
        var inFlight = _running.Values.Select(r => r.Task).Where(t => t is not null).Cast<Task>().ToArray();
        if (inFlight.Length > 0)
        {
            Log.Draining(logger, inFlight.Length, _options.DrainGrace.TotalSeconds);
            await Task.WhenAll(inFlight).WaitAsync(_options.DrainGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var left = _running.Keys.Select(k => k.Id).Distinct().ToArray();
        if (left.Length == 0)
        {
            return;
        }

        foreach (var running in _running.Values)
        {
            running.Stop();
        }

        try
        {
            await using var command = dataSource.CreateCommand(RuntimeSql.ReleaseActivities);
            command.Parameters.AddWithValue("ids", left);
            command.Parameters.AddWithValue("silo", silo.Id);
            command.Parameters.AddWithValue("now", time.GetUtcNow());
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex)
        {
            Log.PumpFailed(logger, "activity release", 1, ex.Message); // their leases expire instead
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        _slots?.Dispose();
        base.Dispose();
    }

    private sealed record Claimed(Guid Id, string GrainType, string GrainKey, string Kind, JsonElement Input, int Attempt, int MaxAttempts, TimeSpan Timeout, TimeSpan Backoff);

    private sealed class Running(Claimed activity, CancellationTokenSource cancellation)
    {
        public Claimed Activity { get; } = activity;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task? Task { get; set; }

        public bool Stopped { get; private set; }

        public void Stop()
        {
            Stopped = true;
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // finished meanwhile
            }
        }
    }

    private sealed record Finished(Claimed Activity, bool Succeeded, JsonElement? Result, string? Error, bool Final)
    {
        /// <summary>Whether this run ends the activity (its outcome goes to the owner) rather than scheduling a retry.</summary>
        public bool Ends => Succeeded || Final;

        public GrainKey Owner { get; } = new(Activity.GrainType, Activity.GrainKey);

        public string Sender => $"activity:{Activity.Id}";

        public ActivityOutcome Outcome => new(Activity.Id, Activity.Kind, Succeeded, Result, Error, Activity.Attempt);

        public static Finished Succeed(Claimed activity, object? result) =>
            new(activity, true, result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), RuntimeJson.Options), null, true);

        public static Finished Fail(Claimed activity, string error, bool final) => new(activity, false, null, error, final);
    }
}
