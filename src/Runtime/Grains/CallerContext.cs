namespace FluidManager.Runtime.Grains;

/// <summary>Flows who asked for a turn ("human:3", "agent:7") into the turns it starts.</summary>
public static class CallerContext
{
    private static readonly AsyncLocal<string?> CurrentActor = new();

    public static string? Actor => CurrentActor.Value;

    /// <summary>Sets the actor for calls made until the returned scope is disposed.</summary>
    public static IDisposable As(string actor)
    {
        var previous = CurrentActor.Value;
        CurrentActor.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => CurrentActor.Value = previous;
    }
}
