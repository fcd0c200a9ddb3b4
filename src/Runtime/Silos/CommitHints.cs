using System.Globalization;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Silos;

/// <summary>What a committed transaction wrote that the processes listening should hear of.</summary>
/// <param name="Messages">It posted messages: pumps look at the inboxes.</param>
/// <param name="Activities">It scheduled activities: workers look at the queue.</param>
/// <param name="EventPosition">The position of the last event it published, if it published any.</param>
/// <param name="WarmGrains">Grains kept in memory (<see cref="WarmReadsAttribute"/>) whose rows it wrote.</param>
internal sealed record CommittedWork(bool Messages, bool Activities, long? EventPosition, IReadOnlyCollection<GrainKey> WarmGrains)
{
    public bool IsEmpty => !Messages && !Activities && EventPosition is null && WarmGrains.Count == 0;
}

/// <summary>
/// Sends the NOTIFY hints of this process's committed transactions (work posted, events published, warm
/// grains written) after their commits, the hints of all the commits made meanwhile in one transaction of
/// its own, and wakes this silo's pumps at once.
/// </summary>
/// <remarks>
/// <para>
/// Why not in each commit: PostgreSQL lets one transaction that notified commit at a time (it holds a lock
/// on the database's notification queue until its commit is flushed), so a hint in every turn's commit made
/// every turn wait for the commits of all the others, one flush after another. Sent from here, one such
/// transaction per process is in flight at a time, at most one every <see cref="SendInterval"/>, and the
/// commits made meanwhile share it.
/// </para>
/// <para>
/// Hints stay hints: a commit is never undone by its hint failing. A hint is sent only after its commit
/// succeeded, and kept (merged with later ones) until a send succeeds. It is lost only if this process dies
/// in between, which the others cover: their pumps and event listeners poll, and their warm activations
/// drop their memory when a silo leaves the cluster (<see cref="WarmStateListener"/>).
/// </para>
/// </remarks>
public sealed class CommitHints(
    NpgsqlDataSource dataSource,
    TimeProvider time,
    IOptions<FluidRuntimeOptions> options,
    ILogger<CommitHints> logger,
    WorkSignal? signal = null) : BackgroundService
{
    /// <summary>Bytes of one NOTIFY payload, below PostgreSQL's limit of 8000.</summary>
    private const int MaxNotifyBytes = 7900;

    /// <summary>
    /// The shortest time between two sends. The first hint after a quiet spell goes at once; a stream of commits
    /// is told in sends this far apart, so that a process never spends a notifying transaction on each commit
    /// (it would cost PostgreSQL as much as the commit itself) and a listener hears of a commit at most this late.
    /// </summary>
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(10);

    private readonly Lock _gate = new();
    private readonly Pulse _pending = new();
    private bool _messages;
    private bool _activities;
    private long? _eventPosition;
    private HashSet<GrainKey> _warm = [];
    private int _failures;

    /// <summary>Takes the hints of a commit that succeeded: this silo's pumps wake now, the others when they are sent.</summary>
    internal void Committed(CommittedWork work)
    {
        if (work.IsEmpty)
        {
            return;
        }

        signal?.Wake(work.Messages, work.Activities);

        Merge(work);
        _pending.Set();
    }

    private void Merge(CommittedWork work)
    {
        lock (_gate)
        {
            _messages |= work.Messages;
            _activities |= work.Activities;
            if (work.EventPosition is { } position && position > (_eventPosition ?? long.MinValue))
            {
                _eventPosition = position;
            }

            _warm.UnionWith(work.WarmGrains);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking, so that a commit made between the look and the wait wakes it.
            var next = _pending.Next;
            if (await SendPendingAsync(stoppingToken))
            {
                // What comes meanwhile goes in the next send: a steady stream of commits costs a send per interval.
                await Task.Delay(SendInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            else
            {
                await next.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await SendPendingAsync(cancellationToken); // the hints of the last commits, once more, as the process leaves
    }

    /// <summary>Sends what is pending, if anything; whether there was anything. What fails to go is kept for the next try.</summary>
    private async Task<bool> SendPendingAsync(CancellationToken cancellationToken)
    {
        CommittedWork work;
        lock (_gate)
        {
            work = new CommittedWork(_messages, _activities, _eventPosition, _warm);
            if (work.IsEmpty)
            {
                return false;
            }

            (_messages, _activities, _eventPosition, _warm) = (false, false, null, []);
        }

        try
        {
            await SendAsync(work, cancellationToken);
            _failures = 0;
        }
        catch (Exception ex)
        {
            Merge(work); // merged with what came meanwhile
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.HintsNotSent(logger, ++_failures, ex.Message);
                await SiloBackoff.DelayAsync(_failures, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        return true;
    }

    private async Task SendAsync(CommittedWork work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // A hint is worth no flush of its own: its commit does not wait for the disk, so it never holds the
        // notification lock, nor a turn's commit behind it, for that long. A crash may lose it, as it may any hint.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        var runtime = options.Value;
        if (work.EventPosition is { } position)
        {
            batch.BatchCommands.Add(Notify(runtime.EventsChannel, position.ToString(CultureInfo.InvariantCulture)));
        }

        if (work.Messages || work.Activities)
        {
            batch.BatchCommands.Add(Notify(runtime.WorkChannel, WorkPayload(work.Messages, work.Activities)));
        }

        foreach (var payload in WarmPayloads(work.WarmGrains))
        {
            batch.BatchCommands.Add(Notify(runtime.WarmChannel, payload));
        }

        await TurnState.RunAndCommitAsync(batch, cancellationToken);
    }

    private static string WorkPayload(bool messages, bool activities) =>
        (messages ? $"{WorkSignal.MessagesFlag}" : "") + (activities ? $"{WorkSignal.ActivitiesFlag}" : "");

    /// <summary>One grain per line, in payloads under PostgreSQL's 8000-byte NOTIFY limit.</summary>
    private static IEnumerable<string> WarmPayloads(IEnumerable<GrainKey> grains)
    {
        var lines = new List<string>();
        var bytes = 0;
        foreach (var line in grains.Select(g => g.ToString()))
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (lines.Count > 0 && bytes + size > MaxNotifyBytes)
            {
                yield return string.Join('\n', lines);
                lines.Clear();
                bytes = 0;
            }

            lines.Add(line);
            bytes += size;
        }

        if (lines.Count > 0)
        {
            yield return string.Join('\n', lines);
        }
    }

    private static NpgsqlBatchCommand Notify(string channel, string payload)
    {
        var command = new NpgsqlBatchCommand(RuntimeSql.Notify);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("payload", payload);
        return command;
    }
}
