using FluidManager.Runtime.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FluidManager.Grains.Tools;

public static class AgentToolServiceCollectionExtensions
{
    /// <summary>Registers a tool, the <see cref="AgentToolCatalog"/> and the <c>agent.tool</c> activity that runs tools (both once).</summary>
    public static IServiceCollection AddAgentTool<TTool>(this IServiceCollection services) where TTool : class, IAgentTool
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentTool, TTool>());
        services.TryAddSingleton<AgentToolCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IActivityHandler, AgentToolActivity>());
        return services;
    }
}
