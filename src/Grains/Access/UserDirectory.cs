using Dapper;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Events;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using static FluidManager.Grains.Access.AccessRows;

namespace FluidManager.Grains.Access;

/// <summary>The type whose passwords <see cref="PasswordHasher{TUser}"/> hashes (it needs one; the hash does not depend on it).</summary>
public sealed class UserAccount;

/// <summary>
/// Accounts and their memberships: login, the identity of a user in a company, and the member
/// management of one company. Every member query is scoped by company, so a user id of another
/// company answers "not found".
/// </summary>
public sealed class UserDirectory(NpgsqlDataSource dataSource, IPasswordHasher<UserAccount> hasher, EventWriter events, TimeProvider time)
{
    private static readonly UserAccount Account = new();
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(Account, AccessInput.GeneratePassword()));

    /// <summary>
    /// Checks an e-mail and password. Null when either is wrong, the account is disabled or has no
    /// company. When the password is right but <paramref name="companyId"/> is not one of the
    /// user's companies, throws <see cref="NotFoundException"/>.
    /// </summary>
    public async Task<AccessIdentity?> VerifyPasswordAsync(string email, string password, long? companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var login = await connection.QuerySingleOrDefaultAsync<LoginRow>(new CommandDefinition(AccessSql.FindLogin, new { email = email.Trim().ToLowerInvariant() }, cancellationToken: cancellationToken));
        if (login is null)
        {
            // Same work as for a real account, so response time does not tell which addresses exist.
            hasher.VerifyHashedPassword(Account, _decoyHash.Value, password);
            return null;
        }

        var verdict = hasher.VerifyHashedPassword(Account, login.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed || login.Disabled)
        {
            return null;
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await connection.ExecuteAsync(new CommandDefinition(AccessSql.SetPasswordHash, new { user_id = login.Id, password_hash = hasher.HashPassword(Account, password) }, cancellationToken: cancellationToken));
        }

        var identity = await FindIdentityAsync(connection, login.Id, companyId, cancellationToken);
        if (identity is null && companyId is { } requested && await FindIdentityAsync(connection, login.Id, null, cancellationToken) is not null)
        {
            throw new NotFoundException("Company", requested);
        }

        return identity;
    }

    /// <summary>The user's identity in <paramref name="companyId"/> (or their first company when null); null when not a member or disabled.</summary>
    public async Task<AccessIdentity?> FindIdentityAsync(long userId, long? companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindIdentityAsync(connection, userId, companyId, cancellationToken);
    }

    public async Task<IReadOnlyList<CompanyMembership>> ListCompaniesAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CompanyMembership>(new CommandDefinition(AccessSql.CompaniesOfUser, new { user_id = userId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Changes the caller's own password after checking the current one.</summary>
    public async Task ChangePasswordAsync(long userId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(currentPassword))
        {
            errors.Add("currentPassword", "The current password is required.");
        }

        var next = AccessInput.NewPassword(newPassword, errors, "newPassword");
        errors.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hash = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(AccessSql.PasswordHashOf, new { user_id = userId }, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("User", userId);
        if (hasher.VerifyHashedPassword(Account, hash, currentPassword!) == PasswordVerificationResult.Failed)
        {
            throw new ValidationException("currentPassword", "The current password is wrong.");
        }

        await connection.ExecuteAsync(new CommandDefinition(AccessSql.SetPasswordHash, new { user_id = userId, password_hash = hasher.HashPassword(Account, next!) }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Member>> ListMembersAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(AccessSql.ListMembers, new { company_id = companyId, user_id = (long?)null }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToMember()).ToList();
    }

    /// <summary>A member of the company; <see cref="NotFoundException"/> for anyone else.</summary>
    public async Task<Member> GetMemberAsync(long companyId, long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await GetMemberAsync(connection, null, companyId, userId, cancellationToken);
    }

    /// <summary>
    /// Adds a member to the actor's company. A new address gets a new account (with the given
    /// password, or a generated one returned once); an existing account joins with its own password
    /// unchanged, so a password must not be given for it.
    /// </summary>
    public async Task<AddedMember> AddMemberAsync(AccessIdentity actor, string? email, string? displayName, string? password, string? role, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var address = AccessInput.Email(email, errors);
        var name = AccessInput.Name(displayName, errors, "displayName");
        var givenPassword = password is null ? null : AccessInput.NewPassword(password, errors);
        var memberRole = AccessInput.Role(role, errors);
        errors.ThrowIfAny();
        EnsureMayAssign(actor, memberRole!);

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockCompanyAsync(connection, transaction, actor.CompanyId, cancellationToken);

        var generated = givenPassword is null ? AccessInput.GeneratePassword() : null;
        var userId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.InsertUser,
            new { email = address, display_name = name, password_hash = hasher.HashPassword(Account, givenPassword ?? generated!), now },
            transaction, cancellationToken: cancellationToken));
        var existing = userId is null;
        if (existing)
        {
            if (givenPassword is not null)
            {
                throw new ConflictException("An account with this e-mail address already exists: add it without a password, it keeps its own.", "users.account_exists");
            }

            userId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccessSql.FindUserByEmail, new { email = address }, transaction, cancellationToken: cancellationToken));
            generated = null;
        }

        var added = await connection.ExecuteAsync(new CommandDefinition(AccessSql.InsertMembership,
            new { user_id = userId, company_id = actor.CompanyId, role = memberRole, now }, transaction, cancellationToken: cancellationToken));
        if (added == 0)
        {
            throw new ConflictException($"{address} is already a member of this company.", "users.already_member");
        }

        var member = await GetMemberAsync(connection, transaction, actor.CompanyId, userId!.Value, cancellationToken);
        await events.PublishAsync(transaction, [MemberEvents.Of(actor, MemberEvents.Added, new MemberEvent(member.Id, member.Role), now)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AddedMember(member, existing, generated);
    }

    /// <summary>
    /// Changes a member's role and, for an account that belongs to this company only (or is the
    /// actor's own), its display name, password and disabled flag. The company keeps at least one
    /// active ceo; only a ceo grants, changes or removes the ceo role.
    /// </summary>
    public async Task<Member> UpdateMemberAsync(AccessIdentity actor, long userId, MemberChanges changes, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var role = changes.Role is null ? null : AccessInput.Role(changes.Role, errors);
        var name = changes.DisplayName is null ? null : AccessInput.Name(changes.DisplayName, errors, "displayName");
        var password = changes.Password is null ? null : AccessInput.NewPassword(changes.Password, errors);
        errors.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockCompanyAsync(connection, transaction, actor.CompanyId, cancellationToken);
        var member = await GetMemberAsync(connection, transaction, actor.CompanyId, userId, cancellationToken);

        if (role is not null && role != member.Role)
        {
            EnsureMayAssign(actor, role);
            EnsureMayManage(actor, member);
        }

        var accountChange = name is not null || password is not null || changes.Disabled is not null;
        if (accountChange && userId != actor.UserId)
        {
            EnsureMayManage(actor, member);
            var shared = await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccessSql.OtherCompaniesOfUser,
                new { user_id = userId, company_id = actor.CompanyId }, transaction, cancellationToken: cancellationToken));
            if (shared > 0)
            {
                throw new ConflictException("This account also belongs to another company: only its owner changes its name or password, and only its role can be changed here.", "users.account_shared");
            }
        }

        if (changes.Disabled == true && userId == actor.UserId)
        {
            throw new ConflictException("You cannot disable your own account.", "users.disable_self");
        }

        var staysActiveCeo = (role ?? member.Role) == CompanyRoles.Ceo && !(changes.Disabled ?? member.Disabled);
        if (member.Role == CompanyRoles.Ceo && !member.Disabled && !staysActiveCeo)
        {
            await EnsureAnotherCeoAsync(connection, transaction, actor.CompanyId, userId, cancellationToken);
        }

        if (role is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(AccessSql.SetRole, new { user_id = userId, company_id = actor.CompanyId, role }, transaction, cancellationToken: cancellationToken));
        }

        if (accountChange)
        {
            await connection.ExecuteAsync(new CommandDefinition(AccessSql.UpdateAccount,
                new { user_id = userId, display_name = name, password_hash = password is null ? null : hasher.HashPassword(Account, password), disabled = changes.Disabled },
                transaction, cancellationToken: cancellationToken));
        }

        var before = member;
        member = await GetMemberAsync(connection, transaction, actor.CompanyId, userId, cancellationToken);
        await events.PublishAsync(transaction, ChangeEvents(actor, before, member, password is not null, time.GetUtcNow()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return member;
    }

    /// <summary>Removes a member from the actor's company (the account stays, with its other companies). Its API tokens for this company go with it.</summary>
    public async Task RemoveMemberAsync(AccessIdentity actor, long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockCompanyAsync(connection, transaction, actor.CompanyId, cancellationToken);
        var member = await GetMemberAsync(connection, transaction, actor.CompanyId, userId, cancellationToken);
        EnsureMayManage(actor, member);
        if (member.Role == CompanyRoles.Ceo && !member.Disabled)
        {
            await EnsureAnotherCeoAsync(connection, transaction, actor.CompanyId, userId, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(AccessSql.DeleteMembership, new { user_id = userId, company_id = actor.CompanyId }, transaction, cancellationToken: cancellationToken));
        await events.PublishAsync(transaction, [MemberEvents.Of(actor, MemberEvents.Removed, new MemberEvent(member.Id, member.Role), time.GetUtcNow())], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The events of one member update: its role, its account fields, its password (that it was set, never what to).</summary>
    private static List<NewEvent> ChangeEvents(AccessIdentity actor, Member before, Member after, bool passwordSet, DateTimeOffset at)
    {
        var changes = new List<NewEvent>();
        if (after.Role != before.Role)
        {
            changes.Add(MemberEvents.Of(actor, MemberEvents.RoleChanged, new MemberEvent(after.Id, after.Role, PreviousRole: before.Role), at));
        }

        var changed = new List<string>();
        if (after.DisplayName != before.DisplayName)
        {
            changed.Add("displayName");
        }

        if (after.Disabled != before.Disabled)
        {
            changed.Add("disabled");
        }

        if (changed.Count > 0)
        {
            changes.Add(MemberEvents.Of(actor, MemberEvents.Updated, new MemberEvent(after.Id, after.Role, Disabled: after.Disabled, Changed: changed), at));
        }

        if (passwordSet)
        {
            changes.Add(MemberEvents.Of(actor, MemberEvents.PasswordReset, new MemberEvent(after.Id, after.Role), at));
        }

        return changes;
    }

    internal string HashPassword(string password) => hasher.HashPassword(Account, password);

    private static async Task<AccessIdentity?> FindIdentityAsync(NpgsqlConnection connection, long userId, long? companyId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<AccessIdentity>(new CommandDefinition(AccessSql.FindIdentity, new { user_id = userId, company_id = companyId }, cancellationToken: cancellationToken));

    private static async Task<Member> GetMemberAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long companyId, long userId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<MemberRow>(new CommandDefinition(AccessSql.ListMembers, new { company_id = companyId, user_id = userId }, transaction, cancellationToken: cancellationToken));
        return row?.ToMember() ?? throw new NotFoundException("User", userId);
    }

    private static async Task LockCompanyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long companyId, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AccessSql.LockCompany, new { company_id = companyId }, transaction, cancellationToken: cancellationToken)) is null)
        {
            throw new NotFoundException("Company", companyId);
        }
    }

    private static async Task EnsureAnotherCeoAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long companyId, long userId, CancellationToken cancellationToken)
    {
        var others = await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccessSql.OtherActiveCeos, new { company_id = companyId, user_id = userId }, transaction, cancellationToken: cancellationToken));
        if (others == 0)
        {
            throw new ConflictException("This is the company's last active ceo: make someone else ceo first.", "users.last_ceo");
        }
    }

    /// <summary>Only a ceo hands out the ceo role.</summary>
    private static void EnsureMayAssign(AccessIdentity actor, string role)
    {
        if (role == CompanyRoles.Ceo && actor.Role != CompanyRoles.Ceo)
        {
            throw new PolicyDeniedException("Only a ceo can make someone ceo.", "only_ceo_manages_ceos");
        }
    }

    /// <summary>Only a ceo changes or removes a ceo.</summary>
    private static void EnsureMayManage(AccessIdentity actor, Member member)
    {
        if (member.Role == CompanyRoles.Ceo && actor.Role != CompanyRoles.Ceo)
        {
            throw new PolicyDeniedException("Only a ceo can change or remove a ceo.", "only_ceo_manages_ceos");
        }
    }
}
