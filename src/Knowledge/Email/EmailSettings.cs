using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.DataProtection;
using MimeKit;
using Npgsql;

namespace FluidManager.Knowledge.Email;

/// <summary>The company's SMTP account as the API shows it: the password only as whether it is set.</summary>
public sealed record EmailSettingsDto(string Host, int Port, string Security, string? Username, bool PasswordSet, string FromAddress, string? FromName, DateTimeOffset UpdatedAt);

/// <summary>
/// The SMTP account to save. <see cref="Password"/> is write-only: null keeps the stored one, an empty
/// text removes it. <see cref="Security"/>: none, starttls (the default) or tls.
/// </summary>
public sealed record EmailSettingsInput(string? Host, int? Port, string? Security, string? Username, string? Password, string? FromAddress, string? FromName);

/// <summary>What sending needs, the password decrypted. Never logged, never returned.</summary>
internal sealed record SmtpAccount(string Host, int Port, string Security, string? Username, string? Password, string FromAddress, string? FromName);

/// <summary>The company's SMTP account, its password encrypted with ASP.NET Core Data Protection (a purpose per company).</summary>
public sealed class EmailSettings(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider time)
{
    private const string Purpose = "FluidManager.Email.SmtpPassword.v1";
    private static readonly string[] Securities = ["none", "starttls", "tls"];

    public async Task<EmailSettingsDto> GetAsync(long companyId, CancellationToken cancellationToken) =>
        (await ReadAsync(companyId, cancellationToken))?.Dto ?? throw new NotFoundException("E-mail settings of company", companyId);

    public async Task<EmailSettingsDto> SaveAsync(long companyId, EmailSettingsInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await ReadAsync(companyId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var host = input.Host?.Trim() ?? current?.Dto.Host;
        if (string.IsNullOrEmpty(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            errors["host"] = [host is null ? "is required" : $"'{host}' is not a host name or address"];
        }
        else if (SmtpSender.AddressPolicy.RefusedLiteral(host) is { } refused)
        {
            errors["host"] = [$"{refused} is not an address a mail server may have: {SmtpSender.AddressPolicy.Refusal}"];
        }

        var security = input.Security?.Trim().ToLowerInvariant() ?? current?.Dto.Security ?? "starttls";
        if (!Securities.Contains(security))
        {
            errors["security"] = [$"'{security}' is not a security mode; use none, starttls or tls"];
        }

        var port = input.Port ?? current?.Dto.Port ?? (security == "tls" ? 465 : 587);
        if (port is < 1 or > 65535)
        {
            errors["port"] = ["must be between 1 and 65535"];
        }

        var from = input.FromAddress?.Trim() ?? current?.Dto.FromAddress;
        if (from is null || !MailboxAddress.TryParse(from, out _))
        {
            errors["fromAddress"] = [from is null ? "is required" : $"'{from}' is not an e-mail address"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var password = input.Password switch
        {
            null => current?.ProtectedPassword,
            "" => null,
            var text => Protector(companyId).Protect(text),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(EmailSql.Save, connection)
            .With("company_id", companyId).With("host", host).With("port", port).With("security", security)
            .With("username", input.Username is null ? current?.Dto.Username : input.Username.Trim() is { Length: > 0 } user ? user : null)
            .With("password", password).With("from_address", from).With("from_name", input.FromName?.Trim() ?? current?.Dto.FromName)
            .With("now", time.GetUtcNow()).With("actor", actor)
            .ExecuteAsync(cancellationToken);
        return await GetAsync(companyId, cancellationToken);
    }

    public async Task DeleteAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new NpgsqlCommand(EmailSql.Delete, connection).With("company_id", companyId).ExecuteAsync(cancellationToken);
    }

    internal async Task<SmtpAccount?> AccountAsync(long companyId, CancellationToken cancellationToken) =>
        await ReadAsync(companyId, cancellationToken) is { } stored
            ? new SmtpAccount(stored.Dto.Host, stored.Dto.Port, stored.Dto.Security, stored.Dto.Username,
                stored.ProtectedPassword is { } p ? Protector(companyId).Unprotect(p) : null, stored.Dto.FromAddress, stored.Dto.FromName)
            : null;

    private async Task<(EmailSettingsDto Dto, string? ProtectedPassword)?> ReadAsync(long companyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var reader = await new NpgsqlCommand(EmailSql.Settings, connection).With("company_id", companyId).ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var password = reader.GetStringOrNull("password");
        return (new EmailSettingsDto(
            reader.Get<string>("host"), reader.Get<int>("port"), reader.Get<string>("security"), reader.GetStringOrNull("username"), password is not null,
            reader.Get<string>("from_address"), reader.GetStringOrNull("from_name"), reader.Get<DateTimeOffset>("updated_at")), password);
    }

    private IDataProtector Protector(long companyId) => protection.CreateProtector(Purpose, companyId.ToString(CultureInfo.InvariantCulture));
}
