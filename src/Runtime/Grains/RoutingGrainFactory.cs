using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// The grain factory hosts inject. Outside a turn, in a process that is an Orleans silo, it hands
/// out Orleans grain references: the call goes to the grain's activation, wherever the cluster
/// placed it. Inside a turn, calls join the turn's transaction (<see cref="TurnGrainFactory"/>), so
/// a command's writes to several grains commit together or not at all. Either way the interface must
/// be registered with <c>AddGrain</c>, and an unregistered one is reported with that fix.
/// </summary>
internal sealed class RoutingGrainFactory(TurnGrainFactory local, GrainRegistry registry, IServiceProvider services) : ITurnGrainFactory
{
    private readonly IGrainFactory? _orleans = services.GetService<IGrainFactory>();

    public TGrain GetGrain<TGrain>(string key) where TGrain : class
    {
        if (TurnExecutor.InTurn || _orleans is null)
        {
            return local.GetGrain<TGrain>(key);
        }

        registry.Resolve<TGrain>();
        return (TGrain)_orleans.GetGrain(typeof(TGrain), key);
    }

    public TGrain GetGrain<TGrain>(long key) where TGrain : class => GetGrain<TGrain>(key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : class => GetGrain<TGrain>(key.ToString("N"));
}
