using FluidManager.Knowledge.Web;

namespace FluidManager.Knowledge.Webhooks;

/// <summary>Where the company's webhooks may deliver. Section <c>Fluid:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Fluid:Webhooks";

    /// <summary>What a refusal tells the operator to set.</summary>
    internal const string HowToAllow = "unless the operator sets " + Section + ":AllowPrivateNetworks";

    private const string Refused = "private, loopback, link-local and reserved addresses are refused " + HowToAllow;

    private const string RefusedThoughPrivateAllowed = "link-local (cloud metadata) and reserved addresses are refused, even with " + Section + ":AllowPrivateNetworks";

    /// <summary>
    /// Whether webhooks may deliver to loopback and private networks (127.0.0.0/8, 10/8, 172.16/12, 192.168/16,
    /// 100.64/10, ::1, fc00::/7), for receivers on the installation's own machine or LAN. Default false: a webhook
    /// reaches public addresses only, checked on every connection after DNS resolution. Link-local addresses (cloud
    /// metadata, 169.254.0.0/16 and fe80::/10) and reserved ranges are refused either way.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The address policy of deliveries and of the URLs a webhook is saved with.</summary>
    internal WebAddressPolicy Policy() => AllowPrivateNetworks ? new(WebAddressPolicy.PrivateNetworks, RefusedThoughPrivateAllowed) : new([], Refused);
}
