namespace FluidManager.Grains.Alerts;

/// <summary>The alert sweep. Section <c>Fluid:Alerts</c>.</summary>
public sealed class AlertOptions
{
    public const string Section = "Fluid:Alerts";

    /// <summary>Whether this process sweeps the companies' alert conditions. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each company's conditions are checked. Default 15 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}
