namespace FluidManager.Grains.Access;

/// <summary>Every statement of the access layer, in one place. Parameters are named; "now" is always a parameter.</summary>
internal static class AccessSql
{
    // ---- accounts and memberships ----

    public const string FindLogin = """
        SELECT id, password_hash AS PasswordHash, disabled FROM users WHERE lower(email) = @email
        """;

    /// <summary>The identity of a user in one company, or in the first of their companies when @company_id is null.</summary>
    public const string FindIdentity = """
        SELECT u.id AS UserId, u.email AS Email, u.display_name AS DisplayName, m.company_id AS CompanyId, m.role AS Role
        FROM users u JOIN memberships m ON m.user_id = u.id
        WHERE u.id = @user_id AND NOT u.disabled AND (@company_id::bigint IS NULL OR m.company_id = @company_id)
        ORDER BY m.company_id
        LIMIT 1
        """;

    public const string PasswordHashOf = "SELECT password_hash FROM users WHERE id = @user_id";

    public const string SetPasswordHash = "UPDATE users SET password_hash = @password_hash WHERE id = @user_id";

    public const string CompaniesOfUser = """
        SELECT c.id AS Id, c.name AS Name, c.slug AS Slug, m.role AS Role
        FROM memberships m JOIN companies c ON c.id = m.company_id
        WHERE m.user_id = @user_id
        ORDER BY c.id
        """;

    public const string ListMembers = """
        SELECT u.id AS Id, u.email AS Email, u.display_name AS DisplayName, m.role AS Role, u.disabled AS Disabled, m.created_at AS JoinedAt
        FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.company_id = @company_id AND (@user_id::bigint IS NULL OR m.user_id = @user_id)
        ORDER BY u.id
        """;

    /// <summary>Serialises membership changes of one company (the "last ceo" rule reads, then writes).</summary>
    public const string LockCompany = "SELECT id FROM companies WHERE id = @company_id FOR NO KEY UPDATE";

    public const string OtherActiveCeos = """
        SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.company_id = @company_id AND m.role = 'ceo' AND NOT u.disabled AND m.user_id <> @user_id
        """;

    public const string OtherCompaniesOfUser = "SELECT count(*) FROM memberships WHERE user_id = @user_id AND company_id <> @company_id";

    public const string InsertUser = """
        INSERT INTO users (email, display_name, password_hash, created_at)
        VALUES (@email, @display_name, @password_hash, @now)
        ON CONFLICT ((lower(email))) DO NOTHING
        RETURNING id
        """;

    public const string FindUserByEmail = "SELECT id FROM users WHERE lower(email) = @email";

    public const string InsertMembership = """
        INSERT INTO memberships (user_id, company_id, role, created_at) VALUES (@user_id, @company_id, @role, @now)
        ON CONFLICT (user_id, company_id) DO NOTHING
        """;

    public const string SetRole = "UPDATE memberships SET role = @role WHERE user_id = @user_id AND company_id = @company_id";

    public const string UpdateAccount = """
        UPDATE users SET display_name = COALESCE(@display_name::text, display_name),
                         password_hash = COALESCE(@password_hash::text, password_hash),
                         disabled = COALESCE(@disabled::boolean, disabled)
        WHERE id = @user_id
        """;

    public const string DeleteMembership = "DELETE FROM memberships WHERE user_id = @user_id AND company_id = @company_id";

    // ---- companies ----

    public const string InsertCompany = """
        INSERT INTO companies (name, slug, created_at) VALUES (@name, @slug, @now)
        ON CONFLICT (slug) DO NOTHING
        RETURNING id AS Id, name AS Name, slug AS Slug, created_at AS CreatedAt
        """;

    public const string GetCompany = "SELECT id AS Id, name AS Name, slug AS Slug, created_at AS CreatedAt FROM companies WHERE id = @company_id";

    public const string AnyCompany = "SELECT EXISTS (SELECT 1 FROM companies)";

    public const string FirstCompany = "SELECT min(id) FROM companies";

    /// <summary>Serialises first-start bootstraps of several Api instances.</summary>
    public const string BootstrapLock = "SELECT pg_advisory_xact_lock(@key)";

    // ---- API tokens ----

    public const string InsertToken = """
        INSERT INTO api_tokens (user_id, company_id, name, prefix, token_hash, created_at, expires_at)
        VALUES (@user_id, @company_id, @name, @prefix, @token_hash, @now, @expires_at)
        ON CONFLICT (prefix) DO NOTHING
        RETURNING id
        """;

    public const string ListTokens = """
        SELECT id AS Id, name AS Name, prefix AS Prefix, created_at AS CreatedAt, last_used_at AS LastUsedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt
        FROM api_tokens
        WHERE company_id = @company_id AND user_id = @user_id AND (@token_id::bigint IS NULL OR id = @token_id)
        ORDER BY id
        """;

    public const string RevokeToken = """
        UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, @now)
        WHERE id = @token_id AND company_id = @company_id AND user_id = @user_id
        RETURNING id
        """;

    public const string FindToken = """
        SELECT t.id AS TokenId, t.token_hash AS TokenHash, t.expires_at AS ExpiresAt, t.revoked_at AS RevokedAt,
               u.id AS UserId, u.email AS Email, u.display_name AS DisplayName, u.disabled AS Disabled, t.company_id AS CompanyId, m.role AS Role
        FROM api_tokens t
        JOIN users u ON u.id = t.user_id
        JOIN memberships m ON m.user_id = t.user_id AND m.company_id = t.company_id
        WHERE t.prefix = @prefix
        """;

    /// <summary>Records use at most once a minute per token, so busy scripts do not write on every request.</summary>
    public const string TouchToken = "UPDATE api_tokens SET last_used_at = @now WHERE id = @token_id AND (last_used_at IS NULL OR last_used_at < @stale)";

    // ---- idempotency ----

    public const string BeginIdempotent = """
        INSERT INTO idempotency_keys (company_id, user_id, key, request_hash, created_at)
        VALUES (@company_id, @user_id, @key, @request_hash, @now)
        ON CONFLICT (company_id, user_id, key) DO NOTHING
        """;

    public const string ReadIdempotent = """
        SELECT request_hash AS RequestHash, status_code AS StatusCode, response_body AS ResponseBody, content_type AS ContentType, location AS Location, created_at AS CreatedAt
        FROM idempotency_keys
        WHERE company_id = @company_id AND user_id = @user_id AND key = @key
        """;

    /// <summary>Removes the row seen as stale, and only that one (a concurrent request may have replaced it).</summary>
    public const string DeleteStaleIdempotent = """
        DELETE FROM idempotency_keys
        WHERE company_id = @company_id AND user_id = @user_id AND key = @key AND created_at = @created_at
        """;

    public const string CompleteIdempotent = """
        UPDATE idempotency_keys
        SET status_code = @status_code, response_body = @response_body, content_type = @content_type, location = @location, completed_at = @now
        WHERE company_id = @company_id AND user_id = @user_id AND key = @key AND status_code IS NULL
        """;

    public const string AbandonIdempotent = """
        DELETE FROM idempotency_keys
        WHERE company_id = @company_id AND user_id = @user_id AND key = @key AND status_code IS NULL
        """;

    public const string PurgeIdempotent = "DELETE FROM idempotency_keys WHERE created_at < @before";

    // ---- data protection ----

    public const string ReadDataProtectionKeys = "SELECT xml FROM data_protection_keys ORDER BY id";

    public const string InsertDataProtectionKey = """
        INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendly_name, @xml)
        ON CONFLICT (friendly_name) DO NOTHING
        """;
}
