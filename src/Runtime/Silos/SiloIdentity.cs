using System.Security.Cryptography;
using System.Text;

namespace FluidManager.Runtime.Silos;

/// <summary>
/// Who holds a lease: the Orleans silo this process is, by its address and generation. The id every
/// activity and inbox lease carries is derived from that address, so that the Cluster page and any
/// SQL (<c>runtime.silo_lease_owner(address, port, generation)</c> over Orleans' membership table) can
/// say which silo holds what, and a restarted silo (a new generation) never inherits its
/// predecessor's leases.
/// </summary>
public sealed class SiloIdentity(ILocalSiloDetails silo)
{
    public Guid Id { get; } = LeaseOwnerOf(silo.SiloAddress);

    public string Name { get; } = silo.Name;

    /// <summary>The lease owner id of a silo: the first 16 bytes of the SHA-256 of its parsable address (<c>ip:port@generation</c>).</summary>
    public static Guid LeaseOwnerOf(SiloAddress address)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(address.ToParsableString()));
        return Guid.ParseExact(Convert.ToHexStringLower(hash.AsSpan(0, 16)), "N");
    }
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

/// <summary>
/// Wakes idle pumps when a NOTIFY says work was posted: message loops for messages, the activity
/// worker for activities, so that a burst of one kind does not make the other poll for nothing.
/// </summary>
public sealed class WorkSignal
{
    /// <summary>NOTIFY payload flag: messages were posted.</summary>
    public const char MessagesFlag = 'm';

    /// <summary>NOTIFY payload flag: activities were scheduled.</summary>
    public const char ActivitiesFlag = 'a';

    public Pulse Messages { get; } = new();

    public Pulse Activities { get; } = new();

    /// <summary>Wakes the pumps a notification payload names; an unknown payload wakes both.</summary>
    public void Wake(string payload)
    {
        var messages = payload.Contains(MessagesFlag, StringComparison.Ordinal);
        var activities = payload.Contains(ActivitiesFlag, StringComparison.Ordinal);
        Wake(messages || !activities, activities || !messages);
    }

    /// <summary>Wakes the message loops, the activity worker, or both.</summary>
    public void Wake(bool messages, bool activities)
    {
        if (messages)
        {
            Messages.Set();
        }

        if (activities)
        {
            Activities.Set();
        }
    }
}

/// <summary>An awaitable signal: every waiter is released by the next <see cref="Set"/>, or by its timeout.</summary>
public sealed class Pulse
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>Completes at the next <see cref="Set"/>: taken before a look, it cannot miss a set made after that look.</summary>
    public Task Next
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    /// <summary>Waits for the next <see cref="Set"/>, or the timeout.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => WaitAsync(Next, timeout, cancellationToken);

    /// <summary>Waits for <paramref name="next"/> (a <see cref="Next"/> taken earlier), or the timeout.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken)
    {
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
