namespace FluidManager.Knowledge.Web;

/// <summary>Raised while connecting when a host resolves only to addresses the <see cref="WebAddressPolicy"/> refuses.</summary>
public sealed class WebAccessDeniedException(string message) : Exception(message);
