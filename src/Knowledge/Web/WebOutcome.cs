namespace FluidManager.Knowledge.Web;

/// <summary>How a web request ended.</summary>
public enum WebOutcome
{
    Ok,

    /// <summary>Refused before or during the request: tool not enabled, host not allowlisted, private address, over quota.</summary>
    Denied,

    /// <summary>The request was allowed but failed (network error, HTTP error status, unsupported content).</summary>
    Error,

    /// <summary>It took longer than the request timeout.</summary>
    Timeout,
}
