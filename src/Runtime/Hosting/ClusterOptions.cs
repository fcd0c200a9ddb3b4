namespace FluidManager.Runtime.Hosting;

/// <summary>
/// How a process joins the Orleans cluster. Section <c>Fluid:Cluster</c>. Membership and reminders
/// live in the product's own PostgreSQL (ADO.NET providers), so a silo needs nothing else to find
/// the others.
/// </summary>
public sealed class FluidClusterOptions
{
    public const string Section = "Fluid:Cluster";

    /// <summary>
    /// Section bound to Orleans' <c>ClusterMembershipOptions</c> (ProbeTimeout, NumMissedProbesLimit,
    /// NumVotesForDeathDeclaration, TableRefreshTimeout…), applied over <see cref="FastMembership"/>.
    /// Unset keys keep Orleans' defaults.
    /// </summary>
    public const string MembershipSection = Section + ":Membership";

    /// <summary>Orleans ClusterId: silos with the same id form one cluster. Default <c>fluid</c>.</summary>
    public string ClusterId { get; set; } = "fluid";

    /// <summary>Orleans ServiceId: stable across deployments of the same service (reminders are keyed by it). Default <c>fluidmanager</c>.</summary>
    public string ServiceId { get; set; } = "fluidmanager";

    /// <summary>
    /// Port silos talk to each other on; 0 picks a free port at start-up (membership in the database
    /// tells the other silos which). Default 11111.
    /// </summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients connect to; 0 opens no gateway. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address the other silos reach this one at: an IP address, or a host name resolved at start-up
    /// (in a container, its own host name). Default <c>127.0.0.1</c>, for a cluster on one machine.
    /// </summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>Collect grain call statistics for the Orleans Dashboard (mounted by the Api at <c>/orleans</c>). Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Shorter membership probes, so a killed silo is declared dead in seconds rather than a minute
    /// (tests, chaos runs). Default false.
    /// </summary>
    public bool FastMembership { get; set; }

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return $"{Section}:ClusterId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return $"{Section}:ServiceId must not be empty.";
        }

        if (SiloPort is < 0 or > 65535)
        {
            yield return $"{Section}:SiloPort must be 0 (any free port) or a port up to 65535 (it is {SiloPort}).";
        }

        if (GatewayPort is < 0 or > 65535)
        {
            yield return $"{Section}:GatewayPort must be 0 (no gateway) or a port up to 65535 (it is {GatewayPort}).";
        }

        if (GatewayPort == SiloPort && SiloPort != 0)
        {
            yield return $"{Section}:GatewayPort and SiloPort must differ (both are {SiloPort}).";
        }

        if (string.IsNullOrWhiteSpace(AdvertisedHost))
        {
            yield return $"{Section}:AdvertisedHost must be an IP address or a host name.";
        }
    }
}
