using System.Collections.Concurrent;
using FluidManager.Runtime.TestGrains;
using FluidManager.TestSupport;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>
/// The NOTIFY hints of committed turns (events published, work posted, warm grains written) are sent by
/// the process after the commits, several commits' in one notifying transaction: what a listener hears
/// is what committed, and nothing of a turn that failed.
/// </summary>
public sealed class CommitHintsTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_committed_turn_is_hinted_with_its_event_position_work_and_grain_and_a_failed_turn_never()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        await using var listener = await Listener.StartAsync(database, "fluid_events", "fluid_warm", "fluid_work");

        var counter = silo.Grains.GetGrain<ICounterGrain>("hinted");
        await counter.AnnounceAsync("hinted-stream", "hint.tested");
        var position = await database.ScalarAsync("SELECT position FROM runtime.events WHERE stream = 'hinted-stream'");
        await listener.WaitForAsync("fluid_events", p => p == position.ToString(System.Globalization.CultureInfo.InvariantCulture), "the event's position");
        await listener.WaitForAsync("fluid_warm", p => p.Split('\n').Contains("counter/hinted"), "the written grain");

        await counter.SendAsync("hinted-target", 1, firstSeq: 1);
        await listener.WaitForAsync("fluid_work", p => p.Contains('m', StringComparison.Ordinal), "the posted message");

        // The failed turn wrote a row, posted a message, published an event and joined another grain: none of it is hinted.
        var failing = () => silo.Grains.GetGrain<ICounterGrain>("hinted-failing").FailAfterWritingAsync("hinted-failing-target");
        await failing.Should().ThrowAsync<InvalidOperationException>();
        // Hints go in commit order, so once a later commit's is heard, an earlier one's would have been.
        await silo.Grains.GetGrain<ICounterGrain>("hinted-after").IncrementAsync();
        await listener.WaitForAsync("fluid_warm", p => p.Split('\n').Contains("counter/hinted-after"), "the later commit's grain");
        listener.Heard("fluid_warm").SelectMany(p => p.Split('\n')).Should().NotContain(["counter/hinted-failing", "account/hinted-failing"]);
        listener.Heard("fluid_events").Should().HaveCount(1, "only the committed event was hinted");
    }

    [Fact]
    public async Task Every_grain_of_a_burst_of_commits_is_hinted()
    {
        await using var silo = await RuntimeHost.StartAsync(database, pumps: false);
        await using var listener = await Listener.StartAsync(database, "fluid_warm");
        const int count = 200;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => silo.Grains.GetGrain<ICounterGrain>($"burst-{i}").IncrementAsync()));

        var expected = Enumerable.Range(0, count).Select(i => $"counter/burst-{i}").ToHashSet();
        await Eventually.WaitAsync(
            () => Task.FromResult(expected.Except(listener.Heard("fluid_warm").SelectMany(p => p.Split('\n'))).ToList()),
            missing => missing.Count == 0,
            Wait,
            "every committed grain to be hinted");
    }

    /// <summary>A connection listening on some channels, keeping every payload heard, by channel.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _heard = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        private Listener(NpgsqlConnection connection) => _connection = connection;

        public static async Task<Listener> StartAsync(RuntimeDatabase database, params string[] channels)
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            var listener = new Listener(connection);
            connection.Notification += (_, e) => listener._heard.GetOrAdd(e.Channel, _ => new()).Enqueue(e.Payload);
            foreach (var channel in channels)
            {
                await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                await listen.ExecuteNonQueryAsync();
            }

            listener._loop = listener.ListenAsync();
            return listener;
        }

        public IReadOnlyList<string> Heard(string channel) => _heard.TryGetValue(channel, out var payloads) ? payloads.ToList() : [];

        public Task WaitForAsync(string channel, Func<string, bool> match, string what) =>
            Eventually.WaitAsync(() => Task.FromResult(Heard(channel).Any(match)), heard => heard, Wait, $"a hint of {what} on {channel}");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }

        private async Task ListenAsync()
        {
            try
            {
                while (true)
                {
                    await _connection.WaitAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
