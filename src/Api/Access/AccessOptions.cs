namespace FluidManager.Api.Access;

/// <summary>Sign-in settings. Section <c>Fluid:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Fluid:Auth";

    /// <summary>How long a dashboard session lasts without activity (sliding). Default 12 h.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Login attempts per client address and e-mail address per <see cref="LoginWindow"/>. Default 10.</summary>
    public int LoginAttemptsPerEmail { get; set; } = 10;

    /// <summary>Login attempts per client address, whatever the e-mail, per <see cref="LoginWindow"/>. Default 100.</summary>
    public int LoginAttemptsPerAddress { get; set; } = 100;

    /// <summary>The login rate-limit window. Default 1 min.</summary>
    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The company whose ceos and admins operate the cluster (silos, dead letters: data of every
    /// company). Default: the deployment's first company, the one created on first start.
    /// </summary>
    public long? OperatorCompanyId { get; set; }
}

/// <summary>What the first start creates when the deployment has no company. Section <c>Fluid:Bootstrap</c>.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Fluid:Bootstrap";

    /// <summary>Create the first company and its owner when there is none. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Name of the first company. Default "Acme".</summary>
    public string CompanyName { get; set; } = "Acme";

    /// <summary>E-mail address of the owner (ceo) account. Default <c>owner@fluid.local</c>.</summary>
    public string OwnerEmail { get; set; } = "owner@fluid.local";

    /// <summary>Display name of the owner. Default "Owner".</summary>
    public string OwnerName { get; set; } = "Owner";

    /// <summary>
    /// The owner's password (at least 10 characters). When empty a password is generated and
    /// written once to the log, on the line that says "owner account".
    /// </summary>
    public string? OwnerPassword { get; set; }
}
