namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>An alert, as the notification centre shows it; <see cref="TaskId"/> links to its cause when it is a task.</summary>
[GenerateSerializer]
[Alias("fm.alerts.AlertDto")]
public sealed record AlertDto
{
    [Id(0)]
    public required long Id { get; init; }

    [Id(1)]
    public required long CompanyId { get; init; }

    [Id(2)]
    public required AlertKind Kind { get; init; }

    /// <summary>What the alert is about, such as <c>task:12</c>, <c>approval:3</c> or <c>budget:2026-03</c>.</summary>
    [Id(3)]
    public required string Cause { get; init; }

    [Id(4)]
    public required string Subject { get; init; }

    [Id(5)]
    public string Detail { get; init; } = "";

    [Id(6)]
    public long? TaskId { get; init; }

    [Id(7)]
    public DateTimeOffset FiredAt { get; init; }

    /// <summary>When the condition cleared (null: still holds).</summary>
    [Id(8)]
    public DateTimeOffset? ResolvedAt { get; init; }

    [Id(9)]
    public DateTimeOffset? ReadAt { get; init; }
}
