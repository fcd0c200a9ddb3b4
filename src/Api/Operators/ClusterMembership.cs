using FluidManager.Runtime.Silos;

namespace FluidManager.Api.Operators;

/// <summary>
/// A silo of the Orleans cluster as its membership table records it (dead ones included, until
/// Orleans cleans them up), with its activation count while it is active, and the in-flight work
/// it leases: the activities it runs and the grain inboxes it delivers (a dead silo's leases until they expire).
/// </summary>
/// <param name="Name">Orleans silo name.</param>
/// <param name="Address">Silo-to-silo endpoint, <c>ip:port</c>.</param>
/// <param name="Generation">Distinguishes successive silos at the same address.</param>
/// <param name="GatewayPort">Port Orleans clients connect to; 0 when the silo opens no gateway.</param>
/// <param name="HostName">Host name of the machine or container.</param>
/// <param name="Status">Membership status: active, joining, shutting_down, stopping, dead…</param>
/// <param name="StartedAt">When the silo started.</param>
/// <param name="LastAliveAt">The silo's last "I am alive" write to the membership table.</param>
/// <param name="ActivationCount">Activations the silo holds (grains and system targets); null when it is not active or did not answer.</param>
/// <param name="RunningActivities">Leased activities running on it.</param>
/// <param name="LeasedInboxes">Grain inboxes leased to it.</param>
public sealed record ClusterSilo(
    string Name,
    string Address,
    int Generation,
    int GatewayPort,
    string HostName,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastAliveAt,
    int? ActivationCount,
    long RunningActivities,
    long LeasedInboxes);

/// <summary>Reads the Orleans membership through the management grain and joins each silo's leases to it.</summary>
public sealed class ClusterMembership(IGrainFactory grains, ClusterAdmin admin, ILogger<ClusterMembership> logger)
{
    /// <summary>How long an active silo may take to report its statistics before it is shown without them.</summary>
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<ClusterSilo>> ListAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var entries = await management.GetDetailedHosts(false, cancellationToken);
        var active = entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.SiloAddress).ToList();
        var counts = await Task.WhenAll(active.Select(address => ActivationCountAsync(management, address, cancellationToken)));
        var leases = await admin.LeasesBySiloAsync(cancellationToken);
        return Join(entries, active.Zip(counts).ToDictionary(p => p.First, p => p.Second), leases);
    }

    /// <summary>One entry per membership row, with the leases its address holds. Dead silos come last, then by name and newest first.</summary>
    public static IReadOnlyList<ClusterSilo> Join(
        IEnumerable<MembershipEntry> entries,
        IReadOnlyDictionary<SiloAddress, int?> activationCounts,
        IReadOnlyDictionary<Guid, SiloLeases> leases) =>
        entries
            .Select(e =>
            {
                var held = leases.GetValueOrDefault(SiloIdentity.LeaseOwnerOf(e.SiloAddress));
                return new ClusterSilo(
                    e.SiloName,
                    e.SiloAddress.Endpoint.ToString(),
                    e.SiloAddress.Generation,
                    e.ProxyPort,
                    e.HostName,
                    e.Status,
                    Utc(e.StartTime),
                    Utc(e.IAmAliveTime),
                    activationCounts.GetValueOrDefault(e.SiloAddress),
                    held?.RunningActivities ?? 0,
                    held?.LeasedInboxes ?? 0);
            })
            .OrderBy(s => s.Status == SiloStatus.Dead)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ThenByDescending(s => s.StartedAt)
            .ToList();

    private async Task<int?> ActivationCountAsync(IManagementGrain management, SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            var statistics = await management.GetRuntimeStatistics([silo], cancellationToken).WaitAsync(StatisticsTimeout, cancellationToken);
            return statistics.Length == 1 ? statistics[0].ActivationCount : null;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            Log.SiloStatisticsUnavailable(logger, silo.ToString(), ex.Message);
            return null;
        }
    }

    /// <summary>Membership times are UTC, whatever kind the table's reader gave them.</summary>
    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
