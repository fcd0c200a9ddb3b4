using FluidManager.Runtime.Silos;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;

namespace FluidManager.Runtime.Tests;

public sealed class MessageTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task Posted_messages_are_applied_exactly_once_in_fifo_order_across_two_silos()
    {
        await using var api = await RuntimeHost.StartAsync(database, pumps: false);
        await api.Grains.GetGrain<ICounterGrain>("sender-1").SendAsync("fifo", 150, firstSeq: 1);
        await api.Grains.GetGrain<ICounterGrain>("sender-1").SendAsync("fifo", 150, firstSeq: 151);

        await using var silo1 = await RuntimeHost.StartAsync(database, pumps: true, name: "s1");
        await using var silo2 = await RuntimeHost.StartAsync(database, pumps: true, name: "s2");
        await Eventually.WaitAsync(() => api.Grains.GetGrain<ICounterGrain>("fifo").GetAsync(), v => v >= 300, TimeSpan.FromSeconds(120), "300 messages applied");

        (await database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain = 'fifo'")).Should().Be(300);
        var outOfOrder = await database.ScalarAsync("""
            SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS prev FROM testgrains.applied WHERE grain = 'fifo') s
            WHERE prev IS NOT NULL AND seq <> prev + 1
            """);
        outOfOrder.Should().Be(0, "messages to one grain are applied in the order they were posted");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.messages WHERE grain_key = 'fifo'")).Should().Be(0);
    }

    [Fact]
    public async Task Poison_message_is_retried_then_dead_lettered_with_an_event_and_can_be_replayed()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        // The poison first, then a good message behind it.
        await PostAsync(silo, "poisoned", new Poison("bad input"));
        await PostAsync(silo, "poisoned", new Add(Guid.NewGuid(), 1, 5));

        var admin = silo.Get<ClusterAdmin>();
        var letters = await Eventually.WaitAsync(() => admin.ListDeadLettersAsync(), l => l.Any(d => d.GrainKey == "poisoned"), TimeSpan.FromSeconds(30), "a dead letter");
        var letter = letters.Single(d => d.GrainKey == "poisoned");
        letter.Attempts.Should().Be(3);
        letter.Error.Should().Contain("poisoned: bad input");
        letter.MessageType.Should().EndWith(nameof(Poison));

        // The message behind the poison waited for it (strict FIFO), then was applied.
        await Eventually.WaitAsync(() => silo.Grains.GetGrain<ICounterGrain>("poisoned").GetAsync(), v => v == 5, TimeSpan.FromSeconds(10), "the good message");
        (await database.ScalarAsync("SELECT count(*) FROM runtime.events WHERE type = 'runtime.dead_lettered' AND payload->>'grain' = 'counter/poisoned'")).Should().Be(1);

        (await admin.ReplayAsync(letter.Id)).Should().BeTrue();
        (await admin.ReplayAsync(letter.Id)).Should().BeFalse("a dead letter is replayed once");
        await Eventually.WaitAsync(() => database.ScalarAsync("SELECT count(*) FROM runtime.dead_letters WHERE grain_key = 'poisoned'"), n => n == 2, TimeSpan.FromSeconds(30), "the replayed poison to fail again");
    }

    [Fact]
    public async Task Messages_due_together_are_applied_in_one_turn_and_a_failing_one_is_retried_alone()
    {
        await using var poster = await RuntimeHost.StartAsync(database, pumps: false, name: "batch-poster");
        for (var seq = 1; seq <= 3; seq++)
        {
            await PostAsync(poster, "batched", new Add(Guid.NewGuid(), seq, 1));
        }

        await PostAsync(poster, "batched", new Poison("in the middle"));
        for (var seq = 4; seq <= 6; seq++)
        {
            await PostAsync(poster, "batched", new Add(Guid.NewGuid(), seq, 1));
        }

        await using var silo = await RuntimeHost.StartAsync(database, pumps: true, name: "batch-pump");
        await Eventually.WaitAsync(() => silo.Grains.GetGrain<ICounterGrain>("batched").GetAsync(), v => v == 6, TimeSpan.FromSeconds(30), "the six good messages");

        (await database.ScalarAsync("SELECT count(DISTINCT message_id) FROM testgrains.applied WHERE grain = 'batched'")).Should().Be(6);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain = 'batched'")).Should().Be(6, "each message is applied once");
        (await database.ScalarAsync("""
            SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS prev FROM testgrains.applied WHERE grain = 'batched') s
            WHERE prev IS NOT NULL AND seq <> prev + 1
            """)).Should().Be(0, "FIFO holds across a failed batch");
        (await database.ScalarAsync("SELECT attempts FROM runtime.dead_letters WHERE grain_key = 'batched'")).Should().Be(3, "the poison alone is retried, then dead-lettered");

        // Rows written by one transaction share its xmin.
        (await database.ScalarAsync("SELECT count(DISTINCT xmin::text) FROM testgrains.applied WHERE grain = 'batched' AND seq <= 3")).Should().Be(3,
            "the first batch held the poison: it rolled back whole, and its messages were then applied one at a time");
        (await database.ScalarAsync("SELECT count(DISTINCT xmin::text) FROM testgrains.applied WHERE grain = 'batched' AND seq >= 4")).Should().Be(1,
            "the three messages due together behind the dead-lettered poison were applied in one turn");
    }

    [Fact]
    public async Task Delayed_message_is_not_applied_before_its_time()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: true);
        var started = DateTimeOffset.UtcNow;
        await PostAsync(silo, "delayed", new Add(Guid.NewGuid(), 1, 1), TimeSpan.FromSeconds(1.5));

        await Eventually.WaitAsync(() => silo.Grains.GetGrain<ICounterGrain>("delayed").GetAsync(), v => v == 1, TimeSpan.FromSeconds(10), "the delayed message");
        var appliedAt = await database.ScalarAsync("SELECT (extract(epoch FROM applied_at) * 1000)::bigint FROM testgrains.applied WHERE grain = 'delayed'");
        DateTimeOffset.FromUnixTimeMilliseconds(appliedAt).Should().BeOnOrAfter(started.AddSeconds(1.4));
    }

    private static Task PostAsync(RuntimeHost host, string target, object message, TimeSpan? delay = null) =>
        host.Grains.GetGrain<ICounterGrain>("poster").ForwardAsync(target, message, delay);
}
