namespace FluidManager.Api.Demo;

/// <summary>The demo company loaded on first start. Section <c>Fluid:Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Fluid:Demo";

    /// <summary>
    /// Load the demo scenario into the first company while that company has no agent. Default false
    /// (<c>scripts/run.sh</c> turns it on unless given <c>--no-demo</c>).
    /// </summary>
    public bool Load { get; set; }

    /// <summary>
    /// The scenario file; a relative path is taken from the content root. Default: the repository's
    /// <c>scenarios/demo-company.json</c>, looked for in the content root and the folders above it.
    /// </summary>
    public string? Path { get; set; }
}
