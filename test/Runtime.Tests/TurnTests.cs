using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

public sealed class TurnTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Concurrent_increments_from_two_runtimes_never_lose_an_update()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "a");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "b");
        var runtimes = new[] { first, second };

        // 8 tasks, 25 increments each, alternating between the two runtime instances.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await runtimes[(worker + i) % 2].Grains.GetGrain<ICounterGrain>("shared").IncrementAsync();
            }
        })));

        (await first.Grains.GetGrain<ICounterGrain>("shared").GetAsync()).Should().Be(200);
        var overlaps = await database.ScalarAsync("""
            SELECT count(*) FROM testgrains.turns a JOIN testgrains.turns b
              ON a.grain = b.grain AND a.id < b.id AND a.started_at < b.ended_at AND b.started_at < a.ended_at
            WHERE a.grain = 'counter/shared'
            """);
        overlaps.Should().Be(0, "no two turns of one grain may overlap in time");
    }

    [Fact]
    public async Task Concurrent_transfers_in_both_directions_neither_create_nor_lose_money()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "a");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "b");
        var accounts = new[] { "acc-1", "acc-2", "acc-3" };
        foreach (var account in accounts)
        {
            await first.Grains.GetGrain<IAccountGrain>(account).OpenAsync(1000);
        }

        // Opposite transfers lock the same two grains in opposite orders: deadlocks happen and are retried.
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 20; i++)
            {
                var from = accounts[random.Next(3)];
                var to = accounts.Where(a => a != from).ElementAt(random.Next(2));
                try
                {
                    await (worker % 2 == 0 ? first : second).Grains.GetGrain<IAccountGrain>(from).TransferAsync(to, random.Next(1, 200));
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref failures); // insufficient funds: refused whole
                }
            }
        })));

        var total = await database.ScalarAsync("SELECT sum(balance) FROM testgrains.accounts WHERE key LIKE 'acc-%'");
        total.Should().Be(3000);
    }

    [Fact]
    public async Task A_turn_that_throws_after_writing_leaves_nothing_behind()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        var grain = runtime.Grains.GetGrain<ICounterGrain>("atomic");

        var act = () => grain.FailAfterWritingAsync("atomic-target");

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("boom after writing");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.counters WHERE key = 'atomic'")).Should().Be(0, "the grain's own row");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.accounts WHERE key = 'atomic'")).Should().Be(0, "a nested grain call's row");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key = 'atomic-target'")).Should().Be(0, "the posted message");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.events WHERE stream = 'counter:atomic'")).Should().Be(0, "the published event");
    }

    [Fact]
    public async Task A_rollback_to_a_savepoint_drops_the_messages_and_events_queued_since_and_keeps_the_others_in_order()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: true);

        await runtime.Grains.GetGrain<ICounterGrain>("savepoint").SendAroundARolledBackSavepointAsync("savepoint-target");

        // Messages and events are written with the commit; the rolled-back one is never written at all.
        (await database.ScalarAsync("SELECT count(*) FROM runtime.events WHERE stream = 'counter:savepoint' AND type = 'dropped-2'")).Should().Be(0);
        var events = await database.ListAsync("SELECT type FROM runtime.events WHERE stream = 'counter:savepoint' ORDER BY position", r => r.GetString(0));
        events.Should().Equal("kept-1", "kept-3");
        await Eventually.WaitAsync(() => runtime.Grains.GetGrain<ICounterGrain>("savepoint-target").GetAsync(), v => v >= 101, TimeSpan.FromSeconds(30), "messages 1 and 3 applied");
        (await database.ListAsync("SELECT seq FROM testgrains.applied WHERE grain = 'savepoint-target' ORDER BY id", r => r.GetInt64(0))).Should().Equal(1L, 3L);
        (await runtime.Grains.GetGrain<ICounterGrain>("savepoint-target").GetAsync()).Should().Be(101, "message 2 was rolled back with its savepoint");
    }

    [Fact]
    public async Task A_grain_joined_after_a_savepoint_that_was_rolled_back_is_locked_again_when_joined_again()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);

        // The rollback released the lock taken after the savepoint: the second join must take it again.
        (await runtime.Grains.GetGrain<ICounterGrain>("rejoin").RejoinAfterARolledBackSavepointAsync("rejoin-target"))
            .Should().Be(2, "the turn holds its own grain's lock and the target's, taken again after the rollback");
        (await runtime.Grains.GetGrain<ICounterGrain>("rejoin-target").GetAsync()).Should().Be(1, "the increment inside the savepoint was rolled back");
    }

    [Fact]
    public async Task Calling_back_into_a_grain_already_in_the_turn_is_a_clear_error_not_a_deadlock()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        await runtime.Grains.GetGrain<IAccountGrain>("loop").OpenAsync(10);

        var act = () => runtime.Grains.GetGrain<IAccountGrain>("loop").TransferAsync("loop", 1);

        (await act.Should().ThrowAsync<GrainReentrancyException>().WaitAsync(TimeSpan.FromSeconds(10)))
            .Which.Message.Should().Contain("account/loop → account/loop");
        (await runtime.Grains.GetGrain<IAccountGrain>("loop").BalanceAsync()).Should().Be(10);
    }

    [Fact]
    public async Task Read_only_calls_do_not_wait_for_the_grain_lock()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        await runtime.Grains.GetGrain<IAccountGrain>("reader").OpenAsync(7);
        await using var dataSource = database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            hold.Parameters.AddWithValue("key", new GrainKey("account", "reader").LockKey);
            await hold.ExecuteNonQueryAsync();
        }

        // The reader is not blocked by the held lock; the writer is. (The read goes first: an Orleans
        // activation runs one call at a time, so a read queued behind the blocked write would wait for
        // the write's call, not for the lock.)
        (await runtime.Grains.GetGrain<IAccountGrain>("reader").BalanceAsync().WaitAsync(TimeSpan.FromSeconds(5))).Should().Be(7);
        var write = runtime.Grains.GetGrain<IAccountGrain>("reader").CreditAsync(1);
        await Eventually.WaitAsync(
            () => database.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'"),
            n => n == 1, TimeSpan.FromSeconds(5), "the write's turn to wait for the grain lock");
        write.IsCompleted.Should().BeFalse();
        await transaction.RollbackAsync();
        await write.WaitAsync(TimeSpan.FromSeconds(5));
        (await runtime.Grains.GetGrain<IAccountGrain>("reader").BalanceAsync()).Should().Be(8);
    }

    [Fact]
    public async Task Joining_an_unregistered_grain_interface_is_reported_with_the_fix()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        var act = () => runtime.Grains.GetGrain<ICounterGrain>("joins-nothing").JoinUnregisteredAsync();
        await act.Should().ThrowAsync<GrainRegistrationException>().WithMessage("*AddGrain<IDisposable*");
    }

    [Fact]
    public async Task A_command_sent_through_Orleans_from_inside_a_turn_is_refused_and_the_turn_rolls_back()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        var caller = runtime.Grains.GetGrain<ICounterGrain>("orleans-caller");
        var target = runtime.Grains.GetGrain<ICounterGrain>("orleans-target");

        var act = () => caller.IncrementOtherThroughOrleansAsync("orleans-target");
        (await act.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("*ICounterGrain.IncrementAsync*inside a turn*context.Join*context.PostAsync*");
        (await target.GetAsync()).Should().Be(0, "the refused command never ran");
        (await caller.GetAsync()).Should().Be(0, "the caller's turn rolled back with its error");

        // Reads go through: they change nothing.
        (await target.IncrementAsync()).Should().Be(1);
        (await caller.ReadOtherAsync("orleans-target")).Should().Be(1);
    }
}
