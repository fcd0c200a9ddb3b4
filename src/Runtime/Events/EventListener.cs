using FluidManager.Runtime.Silos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Events;

/// <summary>Receives committed events in log order, exactly once per listener, live.</summary>
public interface IEventSink
{
    Task OnEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);
}

/// <summary>
/// The process's single LISTEN connection for events. Notifications carry positions only and are
/// hints: on each one, and after every reconnection, it reads the log from its cursor, so nothing
/// committed is missed even when notifications are lost or transactions commit out of order.
/// </summary>
public sealed class EventListener(
    RuntimeConnection connectionInfo,
    EventLog log,
    IEnumerable<IEventSink> sinks,
    TimeProvider timeProvider,
    IOptions<FluidRuntimeOptions> options,
    ILogger<EventListener> logger) : NotificationListener(connectionInfo, timeProvider, logger)
{
    private readonly Pulse _wake = new();
    private readonly IEventSink[] _sinks = sinks.ToArray();
    private long _cursor = -1;
    private long _highestNotified;

    /// <summary>The position of the last event handed to the sinks.</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    protected override string Channel => options.Value.EventsChannel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Interlocked.Exchange(ref _cursor, await StartPositionAsync(stoppingToken));
        var reader = ReadLoopAsync(stoppingToken);
        await base.ExecuteAsync(stoppingToken);
        await reader;
    }

    protected override Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        _wake.Set();
        return Task.CompletedTask;
    }

    protected override void OnNotification(string payload)
    {
        if (long.TryParse(payload, System.Globalization.CultureInfo.InvariantCulture, out var position))
        {
            InterlockedMax(ref _highestNotified, position);
        }

        _wake.Set();
    }

    private async Task<long> StartPositionAsync(CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await log.TailAsync(cancellationToken);
            }
            catch (NpgsqlException ex)
            {
                Log.ListenerLost(logger, Channel, failures, ex.Message);
                await SiloBackoff.DelayAsync(failures, Time, cancellationToken);
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Taken before reading, so that a notification that comes while it reads still wakes it.
                var notified = _wake.Next;
                var events = await log.ReadAsync(Cursor, limit: EventLog.MaxPage, cancellationToken: stoppingToken);
                failures = 0;
                if (events.Count > 0)
                {
                    foreach (var sink in _sinks)
                    {
                        await sink.OnEventsAsync(events, stoppingToken);
                    }

                    Interlocked.Exchange(ref _cursor, events[^1].Position);
                    continue;
                }

                // A notified event may sit behind an older transaction still running: look again soon.
                var behind = Interlocked.Read(ref _highestNotified) > Cursor;
                await Pulse.WaitAsync(notified, behind ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                Log.ListenerLost(logger, Channel, failures, ex.Message);
                await SiloBackoff.DelayAsync(failures, Time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
