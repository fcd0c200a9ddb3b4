using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Grains.Tools;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FluidManager.Grains.Triggers;

internal static class TriggersHostingExtensions
{
    /// <summary>
    /// Event triggers: their grain, the dispatcher that follows the event log for them, the custom events grain and the
    /// <c>emit_event</c> tool (<see cref="TriggerOptions"/>, section <c>Fluid:Triggers</c>).
    /// </summary>
    public static IServiceCollection AddEventTriggers(this IServiceCollection services)
    {
        services.AddGrain<IEventTriggerGrain, EventTriggerGrain>("event-trigger");
        services.AddGrain<ICustomEventsGrain, CustomEventsGrain>("custom-events");
        services.AddOptions<TriggerOptions>()
            .BindConfiguration(TriggerOptions.Section)
            .Validate(o => o.PollInterval >= TimeSpan.FromMilliseconds(50), $"{TriggerOptions.Section}:PollInterval must be at least 00:00:00.050.")
            .Validate(o => o.MaxDepth is >= 1 and <= 100, $"{TriggerOptions.Section}:MaxDepth must be between 1 and 100.")
            .Validate(o => o.MaxFiringsPerMinute is >= 1 and <= 10_000, $"{TriggerOptions.Section}:MaxFiringsPerMinute must be between 1 and 10000.")
            .Validate(o => o.Attempts is >= 1 and <= 10, $"{TriggerOptions.Section}:Attempts must be between 1 and 10.")
            .Validate(o => o.RetryBackoff >= TimeSpan.Zero && o.RetryBackoff <= TimeSpan.FromMinutes(1), $"{TriggerOptions.Section}:RetryBackoff must be between 00:00:00 and 00:01:00.")
            .Validate(o => o.MaxCustomEventBytes is >= 256 and <= 1_048_576, $"{TriggerOptions.Section}:MaxCustomEventBytes must be between 256 and 1048576.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<EventTriggerDispatcher>();
        services.AddAgentTool<EmitEventTool>();
        return services;
    }
}
