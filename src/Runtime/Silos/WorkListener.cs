using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Runtime.Silos;

/// <summary>
/// Holds one LISTEN connection per process on a channel and raises a callback per notification.
/// Reconnects with backoff when the connection or the server goes away; callers treat the
/// notifications as hints and catch up from the tables.
/// </summary>
public abstract class NotificationListener(RuntimeConnection connectionInfo, TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time => time;

    protected abstract string Channel { get; }

    /// <summary>Called after every (re)connection, before any notification: the place to catch up.</summary>
    protected virtual Task OnConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract void OnNotification(string payload);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var builder = new NpgsqlConnectionStringBuilder(connectionInfo.ConnectionString) { Pooling = false, KeepAlive = 5, ApplicationName = $"fluid-listen:{Channel}" };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                failures = 0;
                await OnConnectedAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                Log.ListenerLost(logger, Channel, failures, ex.Message);
                await SiloBackoff.DelayAsync(failures, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

/// <summary>The raw connection string, for the dedicated (unpooled, keep-alive) LISTEN connections.</summary>
public sealed record RuntimeConnection(string ConnectionString);

/// <summary>Pulses the <see cref="WorkSignal"/> when a turn posted messages, reminders or activities.</summary>
public sealed class WorkListener(RuntimeConnection connectionInfo, WorkSignal signal, TimeProvider time, IOptions<FluidRuntimeOptions> options, ILogger<WorkListener> logger)
    : NotificationListener(connectionInfo, time, logger)
{
    protected override string Channel => options.Value.WorkChannel;

    protected override Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        signal.Wake("");
        return Task.CompletedTask;
    }

    protected override void OnNotification(string payload) => signal.Wake(payload);
}
