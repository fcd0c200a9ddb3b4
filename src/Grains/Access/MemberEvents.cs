using System.Globalization;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Runtime.Events;

namespace FluidManager.Grains.Access;

/// <summary>
/// The events of a company's membership, on the company stream, written in the transaction of the
/// change. Every member of the company receives them (a viewer too), so a payload names the member
/// by id and role only: never an e-mail address, a name, a password, its hash or a reset token.
/// </summary>
public static class MemberEvents
{
    /// <summary>A member joined (a new account or an existing one). Payload: <see cref="MemberEvent"/>.</summary>
    public const string Added = "member.added";

    /// <summary>A member's role changed; <see cref="MemberEvent.PreviousRole"/> is the old one.</summary>
    public const string RoleChanged = "member.role_changed";

    /// <summary>A member's display name or disabled flag changed; <see cref="MemberEvent.Changed"/> names which.</summary>
    public const string Updated = "member.updated";

    /// <summary>A member's password was set by an admin (or by the member): which one, never the password.</summary>
    public const string PasswordReset = "member.password_reset";

    /// <summary>A member left the company (the account stays, with its other companies).</summary>
    public const string Removed = "member.removed";

    internal static NewEvent Of(AccessIdentity actor, string type, MemberEvent payload, DateTimeOffset at) =>
        new(actor.CompanyId, Streams.Company(actor.CompanyId), type, payload, "human:" + actor.UserId.ToString(CultureInfo.InvariantCulture), at);
}

/// <summary>The payload of a membership event: the member's user id and role, and what changed.</summary>
public sealed record MemberEvent(long UserId, string Role, string? PreviousRole = null, bool? Disabled = null, IReadOnlyList<string>? Changed = null);
