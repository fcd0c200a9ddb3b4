using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.TestGrains;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// A posted message reaches its grain as an Orleans call carrying the message's id, and Orleans may
/// deliver a call again when it cannot tell whether the first one ran. These tests deliver by hand,
/// without pumps, the way a pump repeats a delivery whose outcome it could not confirm.
/// </summary>
public sealed class MessageDeliveryTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_message_delivered_twice_is_applied_once()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        await silo.Grains.GetGrain<ICounterGrain>("twice-sender").SendAsync("twice", 1, firstSeq: 1);
        var message = (await QueuedAsync("twice")).Single();
        var target = Target(silo, "twice");

        await target.ReceiveAsync(message);
        await target.ReceiveAsync(message);

        (await silo.Grains.GetGrain<ICounterGrain>("twice").GetAsync()).Should().Be(1);
        (await database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain = 'twice'")).Should().Be(1);
        (await QueuedAsync("twice")).Should().BeEmpty("the first delivery took the message in the turn that applied it");
    }

    [Fact]
    public async Task A_message_delivered_twice_at_once_from_two_silos_is_applied_once()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "a");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "b");
        var counters = Enumerable.Range(0, 4).Select(i => $"racing-{i}").ToList();
        foreach (var counter in counters)
        {
            await first.Grains.GetGrain<ICounterGrain>("racing-sender").SendAsync(counter, 10, firstSeq: 1);
        }

        // Every message is delivered by both silos at the same moment.
        var deliveries = new List<Task>();
        foreach (var counter in counters)
        {
            foreach (var message in await QueuedAsync(counter))
            {
                deliveries.Add(Target(first, counter).ReceiveAsync(message));
                deliveries.Add(Target(second, counter).ReceiveAsync(message));
            }
        }

        await Task.WhenAll(deliveries);

        deliveries.Should().HaveCount(80, "forty messages were queued, each delivered twice");
        foreach (var counter in counters)
        {
            (await second.Grains.GetGrain<ICounterGrain>(counter).GetAsync()).Should().Be(10, $"{counter} got ten messages");
            (await QueuedAsync(counter)).Should().BeEmpty();
        }

        (await database.ScalarAsync("SELECT count(*) FROM testgrains.applied WHERE grain LIKE 'racing-%'")).Should().Be(40);
        (await database.ScalarAsync("SELECT count(DISTINCT message_id) FROM testgrains.applied WHERE grain LIKE 'racing-%'")).Should().Be(40);
    }

    /// <summary>The grain as the message pump addresses it: by its registered type name and key.</summary>
    private static IMessageTarget Target(RuntimeHost host, string counter) =>
        host.Get<IGrainFactory>().GetGrain<IMessageTarget>(GrainId.Create("counter", counter));

    /// <summary>The messages queued for a counter, as the pump hands them over.</summary>
    private Task<List<DeliveredMessage>> QueuedAsync(string counter) => database.ListAsync(
        "SELECT id, message_type, payload::text FROM runtime.messages WHERE grain_type = 'counter' AND grain_key = @key ORDER BY id",
        r => new DeliveredMessage(r.GetInt64(0), r.GetString(1), r.GetString(2)),
        ("key", counter));
}
