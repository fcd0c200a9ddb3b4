namespace FluidManager.Runtime.Grains;

/// <summary>
/// Who asked for a turn ("human:3", "agent:7"). Kept in Orleans' request context, so it flows with
/// grain calls from the Api into the silo that runs them, and from a turn into the calls it makes.
/// </summary>
public static class CallerContext
{
    private const string Key = "fm.actor";

    public static string? Actor => RequestContext.Get(Key) as string;

    /// <summary>Sets the actor for calls made until the returned scope is disposed.</summary>
    public static IDisposable As(string actor)
    {
        var previous = Actor;
        RequestContext.Set(Key, actor);
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null)
            {
                RequestContext.Remove(Key);
            }
            else
            {
                RequestContext.Set(Key, previous);
            }
        }
    }
}
