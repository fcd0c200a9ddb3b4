namespace FluidManager.Knowledge.Web;

/// <summary>A fetched page reduced to readable text, or the refusal and why. <see cref="LogId"/> is its web_fetch_log row.</summary>
public sealed record WebFetchResult(
    WebOutcome Outcome,
    string? Reason,
    string Url,
    string? FinalUrl,
    int? StatusCode,
    string? ContentType,
    string? Title,
    string Text,
    long Bytes,
    bool Truncated,
    int Redirects,
    double DurationMs,
    long LogId)
{
    public bool Allowed => Outcome != WebOutcome.Denied;
}
