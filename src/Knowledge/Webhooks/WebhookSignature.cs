using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FluidManager.Knowledge.Webhooks;

/// <summary>
/// How a delivery is signed: <c>X-Fluid-Signature: sha256=</c> and the lowercase hex HMAC-SHA256, keyed with the
/// webhook's secret, of the <c>X-Fluid-Timestamp</c> value (Unix seconds), a dot and the exact request body.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Fluid-Timestamp";
    public const string SignatureHeader = "X-Fluid-Signature";
    public const string DeliveryHeader = "X-Fluid-Delivery";
    public const string EventHeader = "X-Fluid-Event";
    public const string Scheme = "sha256=";

    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return Scheme + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Whether <paramref name="signature"/> is this body's, in constant time.</summary>
    public static bool Verify(string secret, long timestamp, string body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
