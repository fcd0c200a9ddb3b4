using FluidManager.Runtime.Events;

namespace FluidManager.Api.Events;

/// <summary>Wiring of live events: the SignalR hub and the sink that feeds it from the event listener.</summary>
public static class EventsHostingExtensions
{
    public static IHostApplicationBuilder AddLiveEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<IEventSink, HubEventSink>();
        return builder;
    }

    /// <summary>GET /api/events and the hub at /hubs/events.</summary>
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapEventsApi();
        app.MapHub<EventsHub>("/hubs/events");
        return app;
    }
}
