using System.Net;
using System.Net.Sockets;

namespace FluidManager.Knowledge.Web;

/// <summary>
/// Which IP addresses the web tool may connect to: public unicast addresses, plus addresses inside the
/// networks explicitly allowlisted in configuration. Loopback, private (RFC 1918, unique local),
/// link-local (cloud metadata endpoints live there), carrier-grade NAT, multicast, reserved and
/// documentation ranges are refused, as are IPv6 forms that embed one of them (mapped, NAT64, 6to4).
/// </summary>
public sealed class WebAddressPolicy
{
    private static readonly IPNetwork[] Refused4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] Refused6 =
    [
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("100::/64"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public WebAddressPolicy(IEnumerable<string> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _allowed = allowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => Parse(n.Trim())).ToList();
    }

    /// <summary>Parses a CIDR (a bare address is a /32 or /128); throws <see cref="FormatException"/> naming it.</summary>
    public static IPNetwork Parse(string network)
    {
        if (IPNetwork.TryParse(network, out var parsed))
        {
            return parsed;
        }

        return IPAddress.TryParse(network, out var address)
            ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : throw new FormatException($"'{network}' is not a network such as 10.0.0.0/8 or 127.0.0.1/32.");
    }

    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalised = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return IsPublic(normalised) || _allowed.Any(n => n.Contains(normalised) || n.Contains(address));
    }

    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !Refused4.Any(n => n.Contains(address)) && !address.Equals(IPAddress.Broadcast);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || Refused6.Any(n => n.Contains(address)))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(bytes[12..16]));
        }

        return !SixToFour.Contains(address) || IsPublic(new IPAddress(bytes[2..6]));
    }
}
