namespace FluidManager.Api.Hosting;

/// <summary>Settings of the HTTP host. Section <c>Fluid:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Fluid:Api";

    /// <summary>
    /// Folder of the built dashboard. Default: <c>wwwroot</c> under the content root when it exists,
    /// else <c>../Dashboard/dist</c> (a source checkout after <c>npm run build</c>).
    /// </summary>
    public string? DashboardPath { get; set; }

    /// <summary>
    /// Largest request body accepted, in bytes, unless an endpoint declares its own limit
    /// (<c>IRequestSizeLimitMetadata</c>, e.g. uploads). Larger bodies get 413. Default 1 MiB.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest file accepted by the upload endpoints (task artifacts), in bytes. Default 50 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>How long a command's response is kept for replays of its Idempotency-Key. Default 24 h.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After this long, a key whose first request never finished (the process died) may be used again. Default 2 min.</summary>
    public TimeSpan IdempotencyPendingTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
