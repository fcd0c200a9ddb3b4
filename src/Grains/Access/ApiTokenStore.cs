using System.Security.Cryptography;
using System.Text;
using Dapper;
using FluidManager.Grains.Interfaces.Errors;
using Npgsql;
using static FluidManager.Grains.Access.AccessRows;

namespace FluidManager.Grains.Access;

/// <summary>
/// Personal API tokens: <c>fm_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix (12 hex digits) finds the row;
/// only the SHA-256 of the secret is stored, so a token is shown once, when created. A token acts
/// for its user in one company with the user's current role there, and dies with the membership.
/// </summary>
public sealed class ApiTokenStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string Scheme = "fm";
    public const int MaxNameLength = 100;

    /// <summary>The longest lifetime a token may be given: about ten years.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3660);

    public async Task<IssuedApiToken> CreateAsync(long companyId, long userId, string? name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var tokenName = name?.Trim();
        if (string.IsNullOrEmpty(tokenName) || tokenName.Length > MaxNameLength)
        {
            errors.Add("name", $"A name of 1 to {MaxNameLength} characters, so you can tell your tokens apart.");
        }

        if (expiresAt is { } expiry && (expiry <= now || expiry - now > MaxLifetime))
        {
            errors.Add("expiresAt", "A time in the future, within ten years.");
        }

        errors.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.InsertToken,
                new { user_id = userId, company_id = companyId, name = tokenName, prefix, token_hash = Hash(secret), now, expires_at = expiresAt?.ToUniversalTime() },
                cancellationToken: cancellationToken));
            if (id is { } tokenId)
            {
                var info = new ApiTokenInfo(tokenId, tokenName!, prefix, now, null, expiresAt?.ToUniversalTime(), null);
                return new IssuedApiToken(info, $"{Scheme}_{prefix}_{secret}");
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException("Could not draw a free token prefix.");
            }
        }
    }

    /// <summary>The caller's tokens in one company, revoked ones included, never with their secret.</summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(long companyId, long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(AccessSql.ListTokens, new { company_id = companyId, user_id = userId, token_id = (long?)null }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToInfo()).ToList();
    }

    /// <summary>Revokes one of the caller's tokens (again is fine); <see cref="NotFoundException"/> for any other id.</summary>
    public async Task<ApiTokenInfo> RevokeAsync(long companyId, long userId, long tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var revoked = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.RevokeToken,
            new { token_id = tokenId, company_id = companyId, user_id = userId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        if (revoked is null)
        {
            throw new NotFoundException("Token", tokenId);
        }

        var row = await connection.QuerySingleAsync<TokenRow>(new CommandDefinition(AccessSql.ListTokens, new { company_id = companyId, user_id = userId, token_id = tokenId }, cancellationToken: cancellationToken));
        return row.ToInfo();
    }

    /// <summary>The identity a presented token proves, or null when it is malformed, unknown, wrong, revoked, expired, or its account is disabled.</summary>
    public async Task<TokenIdentity?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!TrySplit(presented, out var prefix, out var secret))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenLoginRow>(new CommandDefinition(AccessSql.FindToken, new { prefix }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.TokenHash, Hash(secret))
            || row.RevokedAt is not null || (row.ExpiresAt is { } expires && Utc(expires) <= now) || row.Disabled)
        {
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(AccessSql.TouchToken, new { token_id = row.TokenId, now, stale = now - TimeSpan.FromMinutes(1) }, cancellationToken: cancellationToken));
        return new TokenIdentity(new AccessIdentity(row.UserId, row.Email, row.DisplayName, row.CompanyId, row.Role), row.TokenId);
    }

    /// <summary>Splits <c>fm_&lt;12 hex&gt;_&lt;secret&gt;</c>.</summary>
    internal static bool TrySplit(string presented, out string prefix, out string secret)
    {
        prefix = secret = "";
        var parts = presented.Split('_', 3);
        if (parts.Length != 3 || parts[0] != Scheme || parts[1].Length != 12 || !parts[1].All(char.IsAsciiHexDigitLower) || parts[2].Length is < 16 or > 128)
        {
            return false;
        }

        prefix = parts[1];
        secret = parts[2];
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
