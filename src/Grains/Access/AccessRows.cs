namespace FluidManager.Grains.Access;

/// <summary>Rows as Dapper reads them (Npgsql returns timestamptz as UTC <see cref="DateTime"/>), mapped to the public records.</summary>
internal static class AccessRows
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    public sealed record LoginRow(long Id, string PasswordHash, bool Disabled);

    public sealed record CompanyRow(long Id, string Name, string Slug, DateTime CreatedAt)
    {
        public CompanyInfo ToInfo() => new(Id, Name, Slug, Utc(CreatedAt));
    }

    public sealed record MemberRow(long Id, string Email, string DisplayName, string Role, bool Disabled, DateTime JoinedAt)
    {
        public Member ToMember() => new(Id, Email, DisplayName, Role, Disabled, Utc(JoinedAt));
    }

    public sealed record TokenRow(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? ExpiresAt, DateTime? RevokedAt)
    {
        public ApiTokenInfo ToInfo() => new(Id, Name, Prefix, Utc(CreatedAt), Utc(LastUsedAt), Utc(ExpiresAt), Utc(RevokedAt));
    }

    public sealed record TokenLoginRow(long TokenId, byte[] TokenHash, DateTime? ExpiresAt, DateTime? RevokedAt, long UserId, string Email, string DisplayName, bool Disabled, long CompanyId, string Role);

    public sealed record IdempotencyRow(byte[] RequestHash, int? StatusCode, byte[]? ResponseBody, string? ContentType, string? Location, DateTime CreatedAt);
}
