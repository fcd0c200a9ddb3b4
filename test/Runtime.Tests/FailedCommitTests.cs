using FluidManager.Runtime.TestGrains;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// Orleans keeps an activation's memory whatever its writes became. A turn whose transaction fails
/// must not leave the activation holding what was never committed: the activation is deactivated,
/// and the next call meets a fresh one that loads from the database.
/// </summary>
public sealed class FailedCommitTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_grain_whose_commit_failed_holds_none_of_the_unwritten_state_and_is_deactivated()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        var counter = silo.Grains.GetGrain<ICounterGrain>("commit-fails");
        (await counter.IncrementAsync()).Should().Be(1);
        var before = await counter.MemoryAsync();
        before.LastWritten.Should().Be(1);

        // The method writes 2 and returns; the receipt's deferred foreign key fails the COMMIT.
        var act = () => counter.IncrementWithDanglingReceiptAsync("no-such-counter");

        (await act.Should().ThrowAsync<NpgsqlException>("the caller sees the failed commit")).WithMessage("*receipts_counter_fk*");
        (await database.ScalarAsync("SELECT value FROM testgrains.counters WHERE key = 'commit-fails'")).Should().Be(1, "the turn's write was rolled back");
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.receipts")).Should().Be(0);

        var after = await counter.MemoryAsync();
        after.Activation.Should().NotBe(before.Activation, "the activation that ran the failed turn was deactivated");
        after.LastWritten.Should().BeNull("a new activation holds nothing of the failed turn");
        (await counter.IncrementAsync()).Should().Be(2, "the next turn starts from the committed value");
    }
}
