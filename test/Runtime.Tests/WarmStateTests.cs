using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// A grain marked [WarmReads] answers read-only calls from memory: it reads its rows once, then not
/// again until something wrote the grain. Every way a write can happen must reach the memory.
/// </summary>
public sealed class WarmStateTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_warm_read_comes_from_memory_and_a_commit_notification_renews_it()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        await WaitUntilListeningAsync(silo);
        var counter = silo.Grains.GetGrain<ICounterGrain>("warm-notified");
        (await counter.IncrementAsync()).Should().Be(1);
        (await counter.GetRememberedAsync()).Should().Be(1);

        // A commit that names the grain on the warm channel: the activation drops what it holds (and
        // nothing else can make it read the row again now that the listener is connected).
        await database.ExecuteAsync("UPDATE testgrains.counters SET value = 5 WHERE key = 'warm-notified'; SELECT pg_notify('fluid_warm', 'counter/warm-notified')");
        await Eventually.WaitAsync(counter.GetRememberedAsync, v => v == 5, Wait, "the notified activation to read the row again");
        // A read that began before the drop was processed returns 5 but keeps nothing: read once more to hold it.
        (await counter.GetRememberedAsync()).Should().Be(5);

        // A change nobody announces is not seen: the reads do not go to the database.
        await database.ExecuteAsync("UPDATE testgrains.counters SET value = 9 WHERE key = 'warm-notified'");
        for (var i = 0; i < 5; i++)
        {
            (await counter.GetRememberedAsync()).Should().Be(5, "a warm read is answered from memory");
        }

        (await counter.GetAsync()).Should().Be(9, "a read that is not warm reads the row");
        (await counter.IncrementAsync()).Should().Be(10);
        (await counter.GetRememberedAsync()).Should().Be(10, "the activation's own write drops its memory");
    }

    [Fact]
    public async Task A_grain_written_nested_in_another_grains_turn_is_read_fresh_by_that_turns_caller()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "first");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "second");
        var target = first.Grains.GetGrain<ICounterGrain>("warm-target");
        (await target.IncrementAsync()).Should().Be(1);
        (await target.GetRememberedAsync()).Should().Be(1);

        // From either silo, a source counter's turn increments the target inside its own transaction.
        for (var i = 0; i < 6; i++)
        {
            var grains = i % 2 == 0 ? first.Grains : second.Grains;
            await grains.GetGrain<ICounterGrain>($"warm-source-{i}").IncrementOtherAsync("warm-target");
            (await target.GetRememberedAsync()).Should().Be(2 + i, "the writer's caller reads its own write");
            (await grains.GetGrain<ICounterGrain>($"warm-reader-{i}").ReadOtherAsync("warm-target")).Should().Be(2 + i,
                "a nested read-only call is answered by the target's activation, which was told");
        }
    }

    [Fact]
    public async Task A_turn_that_writes_many_warm_grains_directly_tells_every_one_and_reads_its_own_write()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "first");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "second");
        const int count = 700; // their names fill more than one notification (PostgreSQL takes at most 8000 bytes)
        var firstTouched = first.Grains.GetGrain<ICounterGrain>("touched-0");
        var lastTouched = second.Grains.GetGrain<ICounterGrain>($"touched-{count - 1}");
        (await firstTouched.GetRememberedAsync()).Should().Be(0);
        (await lastTouched.GetRememberedAsync()).Should().Be(0);

        var readInTurn = await second.Grains.GetGrain<ICounterGrain>("toucher").SetOthersDirectlyAsync("touched-", count, 42);

        readInTurn.Should().Be(42, "a grain the turn touched is read in the turn, not from its activation");
        (await firstTouched.GetRememberedAsync()).Should().Be(42, "the writer's caller reads its write");
        (await lastTouched.GetRememberedAsync()).Should().Be(42);
    }

    [Fact]
    public async Task A_failed_write_turn_leaves_no_memory_behind()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        await WaitUntilListeningAsync(silo);
        var counter = silo.Grains.GetGrain<ICounterGrain>("warm-failing");
        (await counter.IncrementAsync()).Should().Be(1);
        (await counter.GetRememberedAsync()).Should().Be(1);

        var act = () => counter.FailAfterWritingAsync("warm-failing-target");
        await act.Should().ThrowAsync<InvalidOperationException>();
        await database.ExecuteAsync("UPDATE testgrains.counters SET value = 7 WHERE key = 'warm-failing'");

        (await counter.GetRememberedAsync()).Should().Be(7, "the failed turn dropped the memory, so the next read loads the row");
    }

    /// <summary>
    /// Waits until the silo's warm-state listener is connected and has dropped everything once (it
    /// does on every connection), so that no late drop can explain what a test sees afterwards.
    /// </summary>
    private async Task WaitUntilListeningAsync(RuntimeHost silo)
    {
        var key = $"warm-probe-{Guid.NewGuid():N}";
        var probe = silo.Grains.GetGrain<ICounterGrain>(key);
        var value = await probe.IncrementAsync();
        await probe.GetRememberedAsync();
        await Eventually.WaitAsync(
            async () =>
            {
                value++;
                await database.ExecuteAsync($"UPDATE testgrains.counters SET value = {value} WHERE key = '{key}'; SELECT pg_notify('fluid_warm', 'counter/{key}')");
                await Task.Delay(50);
                return await probe.GetRememberedAsync() == value;
            },
            seen => seen,
            Wait,
            "the silo to listen on the warm channel");
    }
}
