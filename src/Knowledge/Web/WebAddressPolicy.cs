using System.Net;
using System.Net.Sockets;

namespace FluidManager.Knowledge.Web;

/// <summary>
/// Which IP addresses the server's outbound connections (the web tool, webhook deliveries, MCP servers, SMTP) may
/// reach: public unicast addresses, plus addresses inside the networks explicitly allowed. Loopback, private
/// (RFC 1918, unique local), link-local (cloud metadata endpoints live there), carrier-grade NAT, multicast,
/// reserved and documentation ranges are refused, as are IPv6 forms that embed one of them (mapped, NAT64, 6to4).
/// <see cref="ConnectAsync"/> is the guard itself: a <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves
/// the host and connects only to the addresses allowed, so a DNS answer cannot change between check and connection.
/// </summary>
public sealed class WebAddressPolicy
{
    /// <summary>
    /// The networks a self-hosted installation may open to its own receivers: loopback, RFC 1918, carrier-grade NAT
    /// and unique local. Link-local (cloud metadata) and the reserved ranges stay refused.
    /// </summary>
    public static IReadOnlyList<string> PrivateNetworks { get; } =
        ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "::1/128", "fc00::/7"];

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

    /// <param name="allowedNetworks">Networks (CIDR or bare addresses) reachable although not public.</param>
    /// <param name="refusal">What a refusal says after the host and its addresses: which addresses are refused, and how an operator would allow them.</param>
    public WebAddressPolicy(IEnumerable<string> allowedNetworks, string refusal = "private, loopback, link-local and reserved addresses are refused unless allowlisted")
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _allowed = allowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => Parse(n.Trim())).ToList();
        Refusal = refusal;
    }

    /// <summary>Which addresses this policy refuses, in words, and how an operator would allow them.</summary>
    public string Refusal { get; }

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

    /// <summary>
    /// Opens the connection for an HTTP request (use as <see cref="SocketsHttpHandler.ConnectCallback"/>): resolves the
    /// host, keeps the addresses this policy allows and connects to one of them; when none is allowed, throws
    /// <see cref="WebAccessDeniedException"/> naming the host and what it resolved to.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new NetworkStream(await ConnectSocketAsync(endpoint.Host, endpoint.Port, cancellationToken), ownsSocket: true);
    }

    /// <summary>
    /// A TCP connection to <paramref name="host"/> (a name or an address) made only to an address this policy allows,
    /// for clients that take a connected socket (SMTP); throws <see cref="WebAccessDeniedException"/> when none is.
    /// </summary>
    public async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(name, cancellationToken);
        var allowed = addresses.Where(Allows).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebAccessDeniedException($"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: {Refusal}");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The refusal of <see cref="ConnectAsync"/> inside an HTTP client's exception, or null.</summary>
    public static WebAccessDeniedException? FindDenied(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is WebAccessDeniedException denied)
            {
                return denied;
            }
        }

        return null;
    }

    /// <summary>
    /// A handler whose every connection goes through <see cref="ConnectAsync"/>, without a proxy (which would connect
    /// on the client's behalf, unchecked).
    /// </summary>
    public SocketsHttpHandler Handler() => new() { UseProxy = false, ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, cancellationToken) };

    /// <summary>The literal IP address of a URL's host when it is one this policy refuses; null for a name or an allowed address.</summary>
    public IPAddress? RefusedLiteral(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return RefusedLiteral(url.Host);
    }

    /// <summary>The host when it is an IP address this policy refuses; null for a name or an allowed address.</summary>
    public IPAddress? RefusedLiteral(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && !Allows(address) ? address : null;
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
