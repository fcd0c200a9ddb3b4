using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Access;

/// <summary>
/// Limits login attempts per client address and e-mail address (the per-address limit alone is the
/// <see cref="AccessPolicies.LoginRateLimit"/> policy of the rate-limiting middleware, which cannot
/// see the e-mail in the body).
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginThrottle(IOptions<AuthOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.LoginAttemptsPerEmail,
            Window = settings.LoginWindow,
            QueueLimit = 0,
        }));
    }

    /// <summary>Takes one attempt; false (with the wait) when the limit is reached.</summary>
    public bool TryAcquire(string clientAddress, string email, out TimeSpan? retryAfter)
    {
        using var lease = _limiter.AttemptAcquire($"{clientAddress}|{email}");
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return lease.IsAcquired;
    }

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";

    public void Dispose() => _limiter.Dispose();
}
