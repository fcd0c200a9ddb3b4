namespace FluidManager.Api.Hosting;

/// <summary>
/// Behind a reverse proxy (nginx, Plesk, a load balancer): which proxies may tell the Api the client's
/// address and scheme through <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>. Off by default, so
/// that a client cannot pose as another address or as https. Section <c>Fluid:Api:ForwardedHeaders</c>.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Fluid:Api:ForwardedHeaders";

    /// <summary>Read the forwarded headers at all. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Addresses of trusted proxies (<c>10.0.0.5</c>, <c>::1</c>). With neither these nor
    /// <see cref="KnownNetworks"/> set, only a proxy on the same machine (loopback) is trusted.
    /// </summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>172.16.0.0/12</c> for a Docker network).</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies deep to read the headers: the number of trusted proxies in front of the Api. Default 1.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Also take the host name from <c>X-Forwarded-Host</c>. Default false.</summary>
    public bool ForwardHost { get; set; }
}
