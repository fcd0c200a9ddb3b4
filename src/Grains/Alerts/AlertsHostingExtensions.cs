using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FluidManager.Grains.Alerts;

internal static class AlertsHostingExtensions
{
    /// <summary>The alerts grain and the sweep that feeds it (<see cref="AlertOptions"/>, section <c>Fluid:Alerts</c>).</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddGrain<Interfaces.Alerts.IAlertsGrain, AlertsGrain>("alerts");
        services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.FromMilliseconds(100), $"{AlertOptions.Section}:Interval must be at least 00:00:00.100.")
            .Validate(o => o.DeliveryAttempts is >= 1 and <= 20, $"{AlertOptions.Section}:DeliveryAttempts must be between 1 and 20.")
            .Validate(o => o.DeliveryBackoff >= TimeSpan.FromMilliseconds(100), $"{AlertOptions.Section}:DeliveryBackoff must be at least 00:00:00.100.")
            .Validate(o => o.DeliveryTimeout >= TimeSpan.FromSeconds(1), $"{AlertOptions.Section}:DeliveryTimeout must be at least 00:00:01.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<AlertSweeper>();
        return services;
    }
}
