using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace FluidManager.Knowledge.Email;

/// <summary>The company's IMAP account as the API shows it: the password only as whether it is set.</summary>
public sealed record ImapSettingsDto(string Host, int Port, string Security, string Username, bool PasswordSet, string Folder, DateTimeOffset UpdatedAt);

/// <summary>
/// The IMAP account to save. <see cref="Password"/> is write-only: null keeps the stored one. <see cref="Security"/>:
/// none, starttls or tls (the default); <see cref="Folder"/> defaults to INBOX.
/// </summary>
public sealed record ImapSettingsInput(string? Host, int? Port, string? Security, string? Username, string? Password, string? Folder);

/// <summary>What a mailbox check needs, the password decrypted. Never logged, never returned.</summary>
internal sealed record ImapAccount(string Host, int Port, string Security, string Username, string Password, string Folder)
{
    /// <summary>Names the account (not the folder) for the cursors and the task: another account starts afresh.</summary>
    public string Mailbox => string.Create(CultureInfo.InvariantCulture, $"{Username}@{Host}:{Port}");
}

/// <summary>
/// The company's IMAP account, read by the mailbox checks of its schedules; its password encrypted with ASP.NET Core
/// Data Protection (a purpose per company), like the SMTP one.
/// </summary>
public sealed class ImapSettings(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider time)
{
    private const string Purpose = "FluidManager.Email.ImapPassword.v1";
    private static readonly string[] Securities = ["none", "starttls", "tls"];

    public async Task<ImapSettingsDto> GetAsync(long companyId, CancellationToken cancellationToken) =>
        (await ReadAsync(companyId, cancellationToken))?.Dto ?? throw new NotFoundException("Mailbox settings of company", companyId);

    public async Task<ImapSettingsDto> SaveAsync(long companyId, ImapSettingsInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await ReadAsync(companyId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var host = input.Host?.Trim() ?? current?.Dto.Host;
        if (string.IsNullOrEmpty(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            errors["host"] = [string.IsNullOrEmpty(host) ? "is required" : $"'{host}' is not a host name or address"];
        }
        else if (SmtpSender.AddressPolicy.RefusedLiteral(host) is { } refused)
        {
            errors["host"] = [$"{refused} is not an address a mail server may have: {SmtpSender.AddressPolicy.Refusal}"];
        }

        var security = input.Security?.Trim().ToLowerInvariant() ?? current?.Dto.Security ?? "tls";
        if (!Securities.Contains(security))
        {
            errors["security"] = [$"'{security}' is not a security mode; use none, starttls or tls"];
        }

        var port = input.Port ?? current?.Dto.Port ?? (security == "tls" ? 993 : 143);
        if (port is < 1 or > 65535)
        {
            errors["port"] = ["must be between 1 and 65535"];
        }

        var username = input.Username?.Trim() ?? current?.Dto.Username;
        if (string.IsNullOrEmpty(username))
        {
            errors["username"] = ["is required"];
        }
        else if (username.Length > 320)
        {
            errors["username"] = ["must be at most 320 characters"];
        }

        if (input.Password is "" || (input.Password is null && current is null))
        {
            errors["password"] = ["is required"];
        }

        var folder = input.Folder?.Trim() ?? current?.Dto.Folder ?? "INBOX";
        if (folder.Length is 0 or > 200 || folder.Any(char.IsControl))
        {
            errors["folder"] = ["must be a folder name of 1 to 200 characters without control characters"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var password = input.Password is { } text ? Protector(companyId).Protect(text) : current!.Value.ProtectedPassword;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(MailboxSql.Save, connection)
            .With("company_id", companyId).With("host", host).With("port", port).With("security", security)
            .With("username", username).With("password", password).With("folder", folder)
            .With("now", time.GetUtcNow()).With("actor", actor)
            .ExecuteAsync(cancellationToken);
        return await GetAsync(companyId, cancellationToken);
    }

    public async Task DeleteAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(MailboxSql.Delete, connection).With("company_id", companyId).ExecuteAsync(cancellationToken);
    }

    internal async Task<ImapAccount?> AccountAsync(long companyId, CancellationToken cancellationToken) =>
        await ReadAsync(companyId, cancellationToken) is { } stored
            ? new ImapAccount(stored.Dto.Host, stored.Dto.Port, stored.Dto.Security, stored.Dto.Username,
                Protector(companyId).Unprotect(stored.ProtectedPassword), stored.Dto.Folder)
            : null;

    private async Task<(ImapSettingsDto Dto, string ProtectedPassword)?> ReadAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var reader = await new NpgsqlCommand(MailboxSql.Settings, connection).With("company_id", companyId).ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (new ImapSettingsDto(
            reader.Get<string>("host"), reader.Get<int>("port"), reader.Get<string>("security"), reader.Get<string>("username"), PasswordSet: true,
            reader.Get<string>("folder"), reader.Get<DateTimeOffset>("updated_at")), reader.Get<string>("password"));
    }

    private IDataProtector Protector(long companyId) => protection.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
