namespace FluidManager.Grains.Alerts;

/// <summary>The alert sweep. Section <c>Fluid:Alerts</c>.</summary>
public sealed class AlertOptions
{
    public const string Section = "Fluid:Alerts";

    /// <summary>Whether this process sweeps the companies' alert conditions. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each company's conditions are checked. Default 15 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times a webhook delivery is tried before it is logged as failed. Default 6.</summary>
    public int DeliveryAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt of a webhook delivery; it doubles for each later one. Default 30 seconds.</summary>
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt of a webhook delivery or alert e-mail may take. Default 30 seconds.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The activity kind that e-mails a fired alert to the company's ceos and admins, set by the library that sends
    /// mail (null: no alert e-mails). Its handler sends only once the company has a mail server configured.
    /// </summary>
    public string? EmailActivity { get; set; }
}
