namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>The notification centre's badge: unread alerts, and those of them still open.</summary>
[GenerateSerializer]
[Alias("fm.alerts.NotificationCountDto")]
public sealed record NotificationCountDto([property: Id(0)] long Unread, [property: Id(1)] long UnreadOpen);
