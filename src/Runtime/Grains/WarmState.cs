using System.Collections.Concurrent;
using Orleans.Concurrency;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Marks a grain class whose read-only calls are answered from memory (<see cref="WarmState{T}"/>).
/// Turns that write such a grain tell its activation, wherever it is, to drop what it holds.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WarmReadsAttribute : Attribute;

/// <summary>
/// What an activation keeps in memory between calls, for its read-only calls. It is loaded by the
/// first read after the activation starts or after anything wrote the grain, and dropped:
/// <list type="bullet">
/// <item>after every write turn of the activation, committed or not (so no unwritten state survives);</item>
/// <item>when another grain's turn joined this grain and wrote its rows in its own transaction (told after its commit);</item>
/// <item>when a commit's notification names the grain (a duplicate activation, or a lost direct call);</item>
/// <item>when the silo's notification connection was lost, since notifications may be missing;</item>
/// <item>when a silo joins or leaves the cluster, since one that died may not have sent its commits' notifications.</item>
/// </list>
/// Write turns never read it: they read the rows under the grain's lock.
/// </summary>
public sealed class WarmState<T> : IDroppableState where T : class
{
    private readonly DurableGrain _grain;
    private readonly Func<Task<T>> _load;
    private readonly Lock _gate = new();
    private T? _value;
    private long _generation;

    internal WarmState(DurableGrain grain, Func<Task<T>> load)
    {
        _grain = grain;
        _load = load;
    }

    /// <summary>The state: from memory in a read-only call of a warm activation, else loaded in the current turn.</summary>
    public async Task<T> GetAsync()
    {
        if (!_grain.CanKeepWarm)
        {
            return await _load();
        }

        long generation;
        lock (_gate)
        {
            if (_value is { } value)
            {
                return value;
            }

            generation = _generation;
        }

        await _grain.OpenTurnAsync();
        var loaded = await _load();
        lock (_gate)
        {
            // A drop while loading means the rows may have changed after the snapshot was taken: keep nothing.
            if (_generation == generation)
            {
                _value = loaded;
            }
        }

        _grain.RememberWarm();
        return loaded;
    }

    public void Drop()
    {
        lock (_gate)
        {
            _generation++;
            _value = null;
        }
    }
}

/// <summary>What a turn tells the runtime about warm grains whose rows it wrote without running them.</summary>
public static class WarmTurnExtensions
{
    /// <summary>
    /// Declares that this turn wrote rows that grain <paramref name="key"/> of <typeparamref name="TGrain"/>
    /// keeps in memory (<see cref="WarmReadsAttribute"/>) without calling that grain: a parent task's subtask
    /// counts, an agent's reporting line. After the commit its activation drops its memory, as for a grain
    /// joined and written, and until then the turn's own reads of it join the turn. Nothing happens if the turn
    /// rolls back. Grains that keep nothing in memory ignore it.
    /// </summary>
    public static void TouchWarm<TGrain>(this ITurnContext context, string key) where TGrain : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var turn = context switch
        {
            TurnContext own => own,
            ActivationTurnContext activation => activation.CurrentTurn,
            _ => throw new ArgumentException($"{context.GetType().Name} is not a turn of the runtime.", nameof(context)),
        };
        turn.TouchWarm<TGrain>(key);
    }

    public static void TouchWarm<TGrain>(this ITurnContext context, long key) where TGrain : class =>
        context.TouchWarm<TGrain>(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>State an activation can be told to forget.</summary>
public interface IDroppableState
{
    void Drop();
}

/// <summary>Lets a turn that joined and wrote a warm grain tell the grain's activation to drop its memory.</summary>
[Alias("fm.runtime.IWarmStateTarget")]
public interface IWarmStateTarget : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task DropWarmStateAsync();
}

/// <summary>The activations of this silo that hold warm state, so that a notification can reach them without a grain call.</summary>
public sealed class WarmActivations
{
    private readonly ConcurrentDictionary<GrainKey, DurableGrain> _activations = new();

    internal void Add(GrainKey id, DurableGrain grain) => _activations[id] = grain;

    internal void Remove(GrainKey id, DurableGrain grain) => _activations.TryRemove(new KeyValuePair<GrainKey, DurableGrain>(id, grain));

    internal void Drop(GrainKey id)
    {
        if (_activations.TryGetValue(id, out var grain))
        {
            grain.DropWarmState();
        }
    }

    internal void DropAll()
    {
        foreach (var grain in _activations.Values)
        {
            grain.DropWarmState();
        }
    }
}
