namespace FluidManager.Knowledge.Web;

/// <summary>Raised while connecting when a host resolves only to addresses the web tool may not reach.</summary>
public sealed class WebAccessDeniedException(string message) : Exception(message);
