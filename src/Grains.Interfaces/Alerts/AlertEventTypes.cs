namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>Alert events, on the company stream. Payload: <see cref="AlertDto"/> (read: <see cref="NotificationCountDto"/>).</summary>
public static class AlertEventTypes
{
    public const string Fired = "alert.fired";

    public const string Resolved = "alert.resolved";

    public const string Read = "alert.read";
}
