namespace FluidManager.Api.Access;

/// <summary>Authentication schemes: a policy scheme picks the token handler for "Authorization: Bearer fm_…" and the session cookie otherwise.</summary>
public static class AccessSchemes
{
    public const string Default = "fluid";
    public const string Cookie = "fluid.cookie";
    public const string Token = "fluid.token";
    public const string CookieName = "fluid.session";
}
