namespace FluidManager.Runtime.Silos;

/// <summary>Who this process is in the silo directory; leases carry its id.</summary>
public sealed class SiloIdentity(string name, string role)
{
    public Guid Id { get; } = Guid.CreateVersion7();

    public string Name { get; } = name;

    public string Role { get; } = role;
}

/// <summary>Jittered exponential backoff for pumps that lost the database.</summary>
internal static class SiloBackoff
{
    public static Task DelayAsync(int failures, TimeProvider time, CancellationToken cancellationToken)
    {
        var ms = Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 10))) * (0.5 + Random.Shared.NextDouble());
        return Task.Delay(TimeSpan.FromMilliseconds(ms), time, cancellationToken);
    }
}

/// <summary>Wakes idle pumps when a NOTIFY says work was posted, or after the poll interval.</summary>
public sealed class WorkSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task next;
        lock (_gate)
        {
            next = _next.Task;
        }

        try
        {
            await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // polling is the safety net for lost notifications
        }
    }
}

/// <summary>The loop every pump runs: one iteration after another, backing off while the database is away.</summary>
internal static class PumpLoop
{
    public static async Task RunAsync(string pump, Func<CancellationToken, Task> iteration, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await iteration(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                Log.PumpFailed(logger, pump, failures, ex.Message);
                await SiloBackoff.DelayAsync(failures, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
