using Dapper;
using FluidManager.Grains.Interfaces.Errors;
using Npgsql;
using static FluidManager.Grains.Access.AccessRows;

namespace FluidManager.Grains.Access;

/// <summary>Companies: creation (its creator becomes its ceo), look-up, and the first start's bootstrap.</summary>
public sealed class CompanyDirectory(NpgsqlDataSource dataSource, UserDirectory users, TimeProvider time)
{
    /// <summary>Arbitrary constant: the advisory lock that serialises bootstraps ("FluidBoo").</summary>
    private const long BootstrapLockKey = 0x466C_7569_6442_6F6F;

    /// <summary>Creates a company whose first member, as ceo, is <paramref name="ownerUserId"/>.</summary>
    public async Task<CompanyInfo> CreateAsync(string? name, string? slug, long ownerUserId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var companyName = AccessInput.Name(name, errors, "name");
        var givenSlug = AccessInput.Slug(slug, errors);
        errors.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var company = await InsertCompanyAsync(connection, transaction, companyName!, givenSlug, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AccessSql.InsertMembership,
            new { user_id = ownerUserId, company_id = company.Id, role = CompanyRoles.Ceo, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return company;
    }

    public async Task<CompanyInfo> GetAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CompanyRow>(new CommandDefinition(AccessSql.GetCompany, new { company_id = companyId }, cancellationToken: cancellationToken));
        return row?.ToInfo() ?? throw new NotFoundException("Company", companyId);
    }

    /// <summary>The oldest company of the deployment (the one the first start created), if any.</summary>
    public async Task<long?> FirstCompanyIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.FirstCompany, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// On a deployment without any company, creates one and its owner (ceo) account; null when a
    /// company already exists. Safe when several processes start at once: they take turns on an
    /// advisory lock and only the first finds the deployment empty. An existing account with the
    /// owner's address keeps its password.
    /// </summary>
    public async Task<BootstrapResult?> BootstrapAsync(string companyName, string ownerEmail, string ownerName, string? ownerPassword, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var name = AccessInput.Name(companyName, errors, "Fluid:Bootstrap:CompanyName");
        var email = AccessInput.Email(ownerEmail, errors, "Fluid:Bootstrap:OwnerEmail");
        var displayName = AccessInput.Name(ownerName, errors, "Fluid:Bootstrap:OwnerName");
        var password = string.IsNullOrEmpty(ownerPassword) ? null : AccessInput.NewPassword(ownerPassword, errors, "Fluid:Bootstrap:OwnerPassword");
        errors.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AccessSql.BootstrapLock, new { key = BootstrapLockKey }, transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AccessSql.AnyCompany, transaction: transaction, cancellationToken: cancellationToken)))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var company = await InsertCompanyAsync(connection, transaction, name!, null, cancellationToken);
        var generated = password is null ? AccessInput.GeneratePassword() : null;
        var userId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.InsertUser,
            new { email, display_name = displayName, password_hash = users.HashPassword(password ?? generated!), now }, transaction, cancellationToken: cancellationToken));
        var created = userId is not null;
        userId ??= await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccessSql.FindUserByEmail, new { email }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(AccessSql.InsertMembership,
            new { user_id = userId, company_id = company.Id, role = CompanyRoles.Ceo, now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new BootstrapResult(company, email!, created, created ? generated : null);
    }

    /// <summary>Inserts with the given slug (a taken one is a conflict) or one derived from the name, numbered until free.</summary>
    private async Task<CompanyInfo> InsertCompanyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string? slug, CancellationToken cancellationToken)
    {
        var stem = slug ?? AccessInput.Slugify(name);
        for (var n = 1; n <= 1000; n++)
        {
            var candidate = n == 1 ? stem : $"{stem}-{n}";
            var row = await connection.QuerySingleOrDefaultAsync<CompanyRow>(new CommandDefinition(AccessSql.InsertCompany,
                new { name, slug = candidate, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            if (row is not null)
            {
                return row.ToInfo();
            }

            if (slug is not null)
            {
                throw new ConflictException($"The slug '{slug}' is taken.", "companies.slug_taken");
            }
        }

        throw new ConflictException($"No free slug near '{stem}': give one.", "companies.slug_taken");
    }
}
