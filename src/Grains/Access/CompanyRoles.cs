namespace FluidManager.Grains.Access;

/// <summary>The roles a member holds in a company.</summary>
public static class CompanyRoles
{
    /// <summary>Everything: commands to agents, tasks and meetings, settings, users.</summary>
    public const string Ceo = "ceo";

    /// <summary>Settings and users, read everything; no commands to the company's work.</summary>
    public const string Admin = "admin";

    /// <summary>Read-only.</summary>
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Ceo, Admin, Viewer];

    public static bool IsValid(string? role) => role is Ceo or Admin or Viewer;
}
