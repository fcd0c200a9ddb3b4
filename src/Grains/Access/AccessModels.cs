namespace FluidManager.Grains.Access;

/// <summary>Who is signed in and for which company: what every authenticated request carries.</summary>
public sealed record AccessIdentity(long UserId, string Email, string DisplayName, long CompanyId, string Role);

/// <summary>A company.</summary>
public sealed record CompanyInfo(long Id, string Name, string Slug, DateTimeOffset CreatedAt);

/// <summary>A company as one of its members sees it: with the member's role.</summary>
public sealed record CompanyMembership(long Id, string Name, string Slug, string Role);

/// <summary>A user of a company.</summary>
public sealed record Member(long Id, string Email, string DisplayName, string Role, bool Disabled, DateTimeOffset JoinedAt);

/// <summary>
/// The result of adding a member. <see cref="InitialPassword"/> is set only when the account was
/// created with a generated password: it is shown this once and stored only as a hash.
/// </summary>
public sealed record AddedMember(Member Member, bool ExistingAccount, string? InitialPassword);

/// <summary>Changes to a member; null leaves a field as it is.</summary>
public sealed record MemberChanges(string? Role = null, string? DisplayName = null, string? Password = null, bool? Disabled = null);

/// <summary>A personal API token, without its secret.</summary>
public sealed record ApiTokenInfo(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>A token just created: <see cref="Token"/> is the only time the secret is ever returned.</summary>
public sealed record IssuedApiToken(ApiTokenInfo Info, string Token);

/// <summary>An identity proven by an API token.</summary>
public sealed record TokenIdentity(AccessIdentity Identity, long TokenId);

/// <summary>What the first start created.</summary>
public sealed record BootstrapResult(CompanyInfo Company, string OwnerEmail, bool AccountCreated, string? GeneratedPassword);
