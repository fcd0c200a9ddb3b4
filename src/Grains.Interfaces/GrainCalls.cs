namespace FluidManager.Grains.Interfaces;

/// <summary>Settings shared by the grain interfaces' methods.</summary>
public static class GrainCalls
{
    /// <summary>
    /// Response timeout of a read-only call (Orleans' default is 30 s). A read changes nothing, so a
    /// caller whose read went to a silo as it died sends it again to the grain's new activation
    /// instead of waiting out the default.
    /// </summary>
    public const string ReadTimeout = "00:00:10";
}
