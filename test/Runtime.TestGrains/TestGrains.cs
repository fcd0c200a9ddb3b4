using System.ComponentModel;
using System.Runtime.CompilerServices;
using FluidManager.Runtime.Activities;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Runtime.TestGrains;

[Alias("fm.test.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> IncrementAsync();

    /// <summary>One atomic statement, no instrumentation: the turn overhead alone, for benchmarks.</summary>
    Task BumpAsync();

    [ReadOnly(true)]
    Task<long> GetAsync();

    /// <summary>The value as the activation remembers it (read from the database only when it holds none).</summary>
    [ReadOnly(true)]
    Task<long> GetRememberedAsync();

    /// <summary>Increments another counter joined to this turn (its command commits with this turn).</summary>
    Task IncrementOtherAsync(string target);

    /// <summary>Reads another counter joined to this turn (answered by its activation when current).</summary>
    [ReadOnly(true)]
    Task<long> ReadOtherAsync(string target);

    /// <summary>Increments another counter through Orleans from inside this turn, which the runtime refuses.</summary>
    Task IncrementOtherThroughOrleansAsync(string target);

    /// <summary>Joins a grain interface that nothing registered.</summary>
    Task JoinUnregisteredAsync();

    /// <summary>Posts <paramref name="count"/> numbered messages to another counter.</summary>
    Task SendAsync(string target, int count, long firstSeq);

    Task FailAfterWritingAsync(string target);

    /// <summary>
    /// Posts messages 1, 2 and 3 to another counter and publishes events "kept-1", "dropped-2" and "kept-3";
    /// the second of each inside a savepoint that is rolled back.
    /// </summary>
    Task SendAroundARolledBackSavepointAsync(string target);

    /// <summary>
    /// Increments another counter joined inside a savepoint that is rolled back, then joins and increments it
    /// again; the advisory locks the turn holds at the end.
    /// </summary>
    Task<long> RejoinAfterARolledBackSavepointAsync(string target);

    /// <summary>Publishes one event in a turn of its own.</summary>
    Task AnnounceAsync(string stream, string type, long? companyId = null);

    /// <summary>Posts any message to another counter, optionally delayed.</summary>
    Task ForwardAsync(string target, object message, TimeSpan? delay = null);

    /// <summary>
    /// Adds one and writes a receipt naming <paramref name="missingCounter"/>, a counter with no row:
    /// the receipt's deferred foreign key is checked at COMMIT, so the turn fails after the method returned.
    /// </summary>
    Task<long> IncrementWithDanglingReceiptAsync(string missingCounter);

    /// <summary>Adds one, then keeps the turn's transaction open for <paramref name="seconds"/> before it commits.</summary>
    Task<long> IncrementSlowlyAsync(double seconds);

    /// <summary>What this activation holds in memory.</summary>
    [ReadOnly(true)]
    Task<CounterMemory> MemoryAsync();

    /// <summary>
    /// Sets counters <paramref name="prefix"/>0 … <paramref name="prefix"/>(count - 1) to <paramref name="value"/> with one
    /// statement of this turn (their grains do not run) and touches them, then reads the first one through a nested read.
    /// </summary>
    Task<long> SetOthersDirectlyAsync(string prefix, int count, long value);
}

/// <summary>A counter activation's memory: its id (new for every activation) and the last value it wrote, committed or not.</summary>
[GenerateSerializer]
[Alias("fm.test.CounterMemory")]
public sealed record CounterMemory([property: Id(0)] Guid Activation, [property: Id(1)] long? LastWritten);

/// <summary>A one-way message with an id (to detect double application) and a sequence number (to check FIFO).</summary>
[GenerateSerializer]
[Alias("fm.test.Add")]
public sealed record Add([property: Id(0)] Guid MessageId, [property: Id(1)] long Seq, [property: Id(2)] long Amount);

/// <summary>A message its handler always rejects.</summary>
[GenerateSerializer]
[Alias("fm.test.Poison")]
public sealed record Poison([property: Id(0)] string Reason);

[Alias("fm.test.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    Task OpenAsync(long balance);

    Task TransferAsync(string to, long amount);

    Task CreditAsync(long amount);

    [ReadOnly(true)]
    Task<long> BalanceAsync();
}

[Alias("fm.test.ITickerGrain")]
public interface ITickerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task StartCronAsync(string cron, string timeZone);

    Task StopAsync();
}

[Alias("fm.test.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    Task<Guid> StartAsync(SleepInput input, int maxAttempts = 3, double timeoutSeconds = 60);

    /// <summary>Schedules an activity that does nothing at all: what the benchmark measures is the runtime's own cost.</summary>
    Task<Guid> StartNoOpAsync();

    Task<bool> CancelAsync(Guid activityId);
}

/// <param name="Milliseconds">How long the activity sleeps.</param>
/// <param name="FailTimes">How many first attempts fail.</param>
/// <param name="RejectOutcome">The owner throws when this activity's outcome reaches it (after writing its row).</param>
[GenerateSerializer]
[Alias("fm.test.SleepInput")]
public sealed record SleepInput([property: Id(0)] int Milliseconds, [property: Id(1)] int FailTimes = 0, [property: Id(2)] bool RejectOutcome = false);

public sealed record SleepResult(int Slept, int Attempt, bool RejectOutcome = false);

/// <summary>Where test grains are told which process they run in (for overlap checks).</summary>
public sealed class TestSiloName(string name)
{
    public string Name { get; } = name;
}

[GrainType("counter")]
[WarmReads]
public sealed class CounterGrain(ITurnContext context, TestSiloName silo) : DurableGrain, ICounterGrain, IHandle<Add>, IHandle<Poison>
{
    private readonly Guid _activation = Guid.NewGuid();
    private long? _lastWritten;
    private WarmState<StrongBox<long>>? _remembered;

    protected override ITurnContext Turn => context;

    private WarmState<StrongBox<long>> Remembered => _remembered ??= Warm(async () => new StrongBox<long>(await ReadAsync()));

    public async Task<long> GetRememberedAsync() => (await Remembered.GetAsync()).Value;

    public Task IncrementOtherAsync(string target) => context.Join<ICounterGrain>(target).CallAsync(g => g.IncrementAsync());

    public Task<long> ReadOtherAsync(string target) => context.Join<ICounterGrain>(target).ReadAsync(g => g.GetRememberedAsync());

    public async Task IncrementOtherThroughOrleansAsync(string target)
    {
        await WriteAsync(await ReadAsync() + 1);
        await context.Cluster.GetGrain<ICounterGrain>(target).IncrementAsync();
    }

    public Task JoinUnregisteredAsync() => context.Join<IDisposable>("x").CallAsync(g => { g.Dispose(); return Task.CompletedTask; });

    public async Task<long> SetOthersDirectlyAsync(string prefix, int count, long value)
    {
        var keys = Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();
        await using (var write = Command("INSERT INTO testgrains.counters (key, value) SELECT k, @value FROM unnest(@keys) AS k ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"))
        {
            write.Parameters.AddWithValue("keys", keys);
            write.Parameters.AddWithValue("value", value);
            await write.ExecuteNonQueryAsync();
        }

        foreach (var key in keys)
        {
            context.TouchWarm<ICounterGrain>(key);
        }

        return await context.Join<ICounterGrain>(keys[0]).ReadAsync(g => g.GetRememberedAsync());
    }

    public async Task<long> IncrementAsync()
    {
        var started = DateTimeOffset.UtcNow;
        // Read-modify-write on purpose: only the grain lock keeps concurrent turns from losing updates.
        var current = await ReadAsync();
        await Task.Yield();
        await WriteAsync(current + 1);
        await RecordTurnAsync(started);
        return current + 1;
    }

    public Task<long> GetAsync() => ReadAsync();

    public async Task BumpAsync()
    {
        await using var bump = Command("INSERT INTO testgrains.counters (key, value) VALUES (@key, 1) ON CONFLICT (key) DO UPDATE SET value = testgrains.counters.value + 1");
        bump.Parameters.AddWithValue("key", context.Key);
        await bump.ExecuteNonQueryAsync();
    }

    public async Task SendAsync(string target, int count, long firstSeq)
    {
        for (var i = 0; i < count; i++)
        {
            await context.PostAsync<ICounterGrain>(target, new Add(Guid.NewGuid(), firstSeq + i, 1));
        }
    }

    public Task AnnounceAsync(string stream, string type, long? companyId = null) =>
        context.PublishAsync(stream, type, new { Grain = context.Key }, companyId);

    public Task ForwardAsync(string target, object message, TimeSpan? delay = null) => context.PostAsync<ICounterGrain>(target, message, delay);

    public async Task SendAroundARolledBackSavepointAsync(string target)
    {
        var stream = $"counter:{context.Key}";
        await context.PostAsync<ICounterGrain>(target, new Add(Guid.NewGuid(), 1, 1));
        await context.PublishAsync(stream, "kept-1", new { Seq = 1 });
        await context.SavepointAsync("probe");
        await context.PostAsync<ICounterGrain>(target, new Add(Guid.NewGuid(), 2, 10));
        await context.PublishAsync(stream, "dropped-2", new { Seq = 2 });
        await context.RollbackToSavepointAsync("probe");
        await context.PostAsync<ICounterGrain>(target, new Add(Guid.NewGuid(), 3, 100));
        await context.PublishAsync(stream, "kept-3", new { Seq = 3 });
    }

    public async Task<long> RejoinAfterARolledBackSavepointAsync(string target)
    {
        await context.SavepointAsync("rejoin");
        await context.Join<ICounterGrain>(target).CallAsync(g => g.IncrementAsync());
        await context.RollbackToSavepointAsync("rejoin");
        await context.Join<ICounterGrain>(target).CallAsync(g => g.IncrementAsync());
        await using var locks = Command("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted");
        return (long)(await locks.ExecuteScalarAsync())!;
    }

    public async Task FailAfterWritingAsync(string target)
    {
        await WriteAsync(await ReadAsync() + 100);
        await context.PostAsync<ICounterGrain>(target, new Add(Guid.NewGuid(), 1, 1));
        await context.PublishAsync($"counter:{context.Key}", "counter.bumped", new { By = 100 });
        await context.Join<IAccountGrain>(context.Key).CallAsync(g => g.OpenAsync(5));
        throw new InvalidOperationException("boom after writing");
    }

    public async Task HandleAsync(Add message)
    {
        var started = DateTimeOffset.UtcNow;
        await using (var applied = Command("INSERT INTO testgrains.applied (message_id, grain, seq) VALUES (@id, @grain, @seq)"))
        {
            applied.Parameters.AddWithValue("id", message.MessageId);
            applied.Parameters.AddWithValue("grain", context.Key);
            applied.Parameters.AddWithValue("seq", message.Seq);
            await applied.ExecuteNonQueryAsync();
        }

        await WriteAsync(await ReadAsync() + message.Amount);
        await RecordTurnAsync(started);
    }

    public Task HandleAsync(Poison message) => throw new InvalidOperationException($"poisoned: {message.Reason}");

    public async Task<long> IncrementWithDanglingReceiptAsync(string missingCounter)
    {
        var next = await ReadAsync() + 1;
        await WriteAsync(next);
        await using var receipt = Command("INSERT INTO testgrains.receipts (grain, counter_key) VALUES (@grain, @counter)");
        receipt.Parameters.AddWithValue("grain", context.Key);
        receipt.Parameters.AddWithValue("counter", missingCounter);
        await receipt.ExecuteNonQueryAsync();
        return next;
    }

    public async Task<long> IncrementSlowlyAsync(double seconds)
    {
        var next = await ReadAsync() + 1;
        await WriteAsync(next);
        await using var sleep = Command("SELECT pg_sleep(@seconds)");
        sleep.Parameters.AddWithValue("seconds", seconds);
        await sleep.ExecuteNonQueryAsync();
        return next;
    }

    public Task<CounterMemory> MemoryAsync() => Task.FromResult(new CounterMemory(_activation, _lastWritten));

    private async Task<long> ReadAsync()
    {
        await using var read = Command("SELECT value FROM testgrains.counters WHERE key = @key");
        read.Parameters.AddWithValue("key", context.Key);
        return (long?)await read.ExecuteScalarAsync() ?? 0;
    }

    private async Task WriteAsync(long value)
    {
        await using var write = Command("INSERT INTO testgrains.counters (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
        write.Parameters.AddWithValue("key", context.Key);
        write.Parameters.AddWithValue("value", value);
        await write.ExecuteNonQueryAsync();
        _lastWritten = value;
    }

    private async Task RecordTurnAsync(DateTimeOffset started)
    {
        await using var turn = Command("INSERT INTO testgrains.turns (grain, silo, activation, started_at, ended_at) VALUES (@grain, @silo, @activation, @started, clock_timestamp())");
        turn.Parameters.AddWithValue("grain", context.Id.ToString());
        turn.Parameters.AddWithValue("silo", silo.Name);
        turn.Parameters.AddWithValue("activation", _activation);
        turn.Parameters.AddWithValue("started", started);
        await turn.ExecuteNonQueryAsync();
    }

    private NpgsqlCommand Command(string sql) => new(sql, context.Connection, context.Transaction);
}

[GrainType("account")]
public sealed class AccountGrain(ITurnContext context) : DurableGrain, IAccountGrain
{
    protected override ITurnContext Turn => context;

    public async Task OpenAsync(long balance)
    {
        await using var open = new NpgsqlCommand("INSERT INTO testgrains.accounts (key, balance) VALUES (@key, @balance) ON CONFLICT (key) DO UPDATE SET balance = EXCLUDED.balance", context.Connection, context.Transaction);
        open.Parameters.AddWithValue("key", context.Key);
        open.Parameters.AddWithValue("balance", balance);
        await open.ExecuteNonQueryAsync();
    }

    public async Task TransferAsync(string to, long amount)
    {
        var balance = await BalanceAsync();
        if (balance < amount)
        {
            throw new InvalidOperationException($"Account {context.Key} holds {balance}, cannot send {amount}.");
        }

        await SetAsync(balance - amount);
        await context.Join<IAccountGrain>(to).CallAsync(g => g.CreditAsync(amount));
    }

    public async Task CreditAsync(long amount) => await SetAsync(await BalanceAsync() + amount);

    public async Task<long> BalanceAsync()
    {
        await using var read = new NpgsqlCommand("SELECT balance FROM testgrains.accounts WHERE key = @key", context.Connection, context.Transaction);
        read.Parameters.AddWithValue("key", context.Key);
        return (long?)await read.ExecuteScalarAsync() ?? 0;
    }

    private async Task SetAsync(long balance)
    {
        await using var write = new NpgsqlCommand("UPDATE testgrains.accounts SET balance = @balance WHERE key = @key", context.Connection, context.Transaction);
        write.Parameters.AddWithValue("key", context.Key);
        write.Parameters.AddWithValue("balance", balance);
        if (await write.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Account {context.Key} is not open.");
        }
    }
}

[GrainType("ticker")]
public sealed class TickerGrain(ITurnContext context) : DurableGrain, ITickerGrain, IReminderTarget
{
    protected override ITurnContext Turn => context;

    public Task StartAsync(TimeSpan period) => context.RegisterReminderAsync("tick", ReminderSchedule.Every(period));

    public Task StartCronAsync(string cron, string timeZone) => context.RegisterReminderAsync("tick", ReminderSchedule.OnCron(cron, timeZone));

    public Task StopAsync() => context.UnregisterReminderAsync("tick");

    public async Task ReceiveReminderAsync(ReminderTick tick)
    {
        await using var insert = new NpgsqlCommand("INSERT INTO testgrains.ticks (grain, name, due_at, fired_at) VALUES (@grain, @name, @due, @fired)", context.Connection, context.Transaction);
        insert.Parameters.AddWithValue("grain", context.Key);
        insert.Parameters.AddWithValue("name", tick.Name);
        insert.Parameters.AddWithValue("due", tick.DueAt);
        insert.Parameters.AddWithValue("fired", tick.FiredAt);
        await insert.ExecuteNonQueryAsync();
    }
}

[GrainType("worker")]
public sealed class WorkerGrain(ITurnContext context) : DurableGrain, IWorkerGrain, IActivityOwner
{
    protected override ITurnContext Turn => context;

    public Task<Guid> StartAsync(SleepInput input, int maxAttempts = 3, double timeoutSeconds = 60) =>
        context.ScheduleActivityAsync(SleepActivity.KindName, input, new ActivityOptions
        {
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            Backoff = TimeSpan.FromMilliseconds(100),
        });

    public Task<Guid> StartNoOpAsync() => context.ScheduleActivityAsync(NoOpActivity.KindName, new NoOpInput(), new ActivityOptions());

    public Task<bool> CancelAsync(Guid activityId) => context.CancelActivityAsync(activityId);

    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO testgrains.activity_outcomes (activity_id, grain, succeeded, result, error, attempts) VALUES (@id, @grain, @ok, @result, @error, @attempts)",
            context.Connection, context.Transaction);
        insert.Parameters.AddWithValue("id", outcome.Id);
        insert.Parameters.AddWithValue("grain", context.Key);
        insert.Parameters.AddWithValue("ok", outcome.Succeeded);
        insert.Parameters.AddWithValue("result", NpgsqlTypes.NpgsqlDbType.Jsonb, outcome.Result is { } r ? r.GetRawText() : DBNull.Value);
        insert.Parameters.AddWithValue("error", NpgsqlTypes.NpgsqlDbType.Text, (object?)outcome.Error ?? DBNull.Value);
        insert.Parameters.AddWithValue("attempts", outcome.Attempts);
        await insert.ExecuteNonQueryAsync();
        if (outcome.Result is { } result && result.TryGetProperty("rejectOutcome", out var reject) && reject.GetBoolean())
        {
            throw new InvalidOperationException($"outcome of {outcome.Id} rejected on purpose");
        }
    }
}

/// <summary>Sleeps (cancellably), optionally failing its first attempts; records every run.</summary>
public sealed class SleepActivity(NpgsqlDataSource dataSource, TestSiloName silo) : ActivityHandler<SleepInput, SleepResult>
{
    public const string KindName = "test.sleep";

    public override string Kind => KindName;

    protected override async Task<SleepResult> ExecuteAsync(SleepInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        try
        {
            if (input.Milliseconds > 0)
            {
                await Task.Delay(input.Milliseconds, cancellationToken);
            }

            if (execution.Attempt <= input.FailTimes)
            {
                throw new InvalidOperationException($"planned failure on attempt {execution.Attempt}");
            }

            await RecordAsync(execution, "completed");
            return new SleepResult(input.Milliseconds, execution.Attempt, input.RejectOutcome);
        }
        catch (OperationCanceledException)
        {
            await RecordAsync(execution, "cancelled");
            throw;
        }
        catch (InvalidOperationException)
        {
            await RecordAsync(execution, "failed");
            throw;
        }
    }

    private async Task RecordAsync(ActivityExecution execution, string outcome)
    {
        await using var insert = dataSource.CreateCommand("INSERT INTO testgrains.activity_runs (activity_id, attempt, silo, outcome) VALUES (@id, @attempt, @silo, @outcome)");
        insert.Parameters.AddWithValue("id", execution.Id);
        insert.Parameters.AddWithValue("attempt", execution.Attempt);
        insert.Parameters.AddWithValue("silo", silo.Name);
        insert.Parameters.AddWithValue("outcome", outcome);
        await insert.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

public sealed record NoOpInput;

/// <summary>Returns at once without touching anything: the benchmark's no-op activity.</summary>
public sealed class NoOpActivity : ActivityHandler<NoOpInput, NoOpInput>
{
    public const string KindName = "test.noop";

    public override string Kind => KindName;

    protected override Task<NoOpInput> ExecuteAsync(NoOpInput input, ActivityExecution execution, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class TestGrainRegistration
{
    /// <summary>Registers the test grains, their activity and their schema.</summary>
    public static IServiceCollection AddTestGrains(this IServiceCollection services, string siloName)
    {
        services.AddSingleton(new TestSiloName(siloName));
        services.AddGrain<ICounterGrain, CounterGrain>();
        services.AddGrain<IAccountGrain, AccountGrain>();
        services.AddGrain<ITickerGrain, TickerGrain>();
        services.AddGrain<IWorkerGrain, WorkerGrain>();
        services.AddActivityHandler<SleepActivity>();
        services.AddActivityHandler<NoOpActivity>();
        services.AddMigrations(typeof(TestGrainRegistration).Assembly);
        return services;
    }
}
