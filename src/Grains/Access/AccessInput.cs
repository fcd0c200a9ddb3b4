using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FluidManager.Grains.Interfaces.Errors;

namespace FluidManager.Grains.Access;

/// <summary>Collects field errors of one request and throws them together as a <see cref="ValidationException"/>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(error);
        return this;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}

/// <summary>The shape rules of access input: e-mail addresses, names, passwords, slugs.</summary>
public static partial class AccessInput
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxNameLength = 200;
    public const int MaxSlugLength = 60;

    /// <summary>Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.</summary>
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>The canonical form of an e-mail address (trimmed, lower case), or an error for <paramref name="field"/>.</summary>
    public static string? Email(string? value, FieldErrors errors, string field = "email")
    {
        var email = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            errors.Add(field, "An e-mail address is required.");
            return null;
        }

        if (email.Length > 254 || !EmailPattern().IsMatch(email))
        {
            errors.Add(field, "This is not an e-mail address.");
            return null;
        }

        return email;
    }

    /// <summary>A trimmed display name or company name of 1 to 200 characters.</summary>
    public static string? Name(string? value, FieldErrors errors, string field)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(field, "A name is required.");
            return null;
        }

        if (name.Length > MaxNameLength)
        {
            errors.Add(field, $"At most {MaxNameLength} characters.");
            return null;
        }

        return name;
    }

    /// <summary>Checks a new password's length (10 to 256 characters); passwords are never trimmed.</summary>
    public static string? NewPassword(string? value, FieldErrors errors, string field = "password")
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinPasswordLength)
        {
            errors.Add(field, $"At least {MinPasswordLength} characters.");
            return null;
        }

        if (value.Length > MaxPasswordLength)
        {
            errors.Add(field, $"At most {MaxPasswordLength} characters.");
            return null;
        }

        return value;
    }

    public static string? Role(string? value, FieldErrors errors, string field = "role")
    {
        var role = value?.Trim().ToLowerInvariant();
        if (!CompanyRoles.IsValid(role))
        {
            errors.Add(field, $"One of: {string.Join(", ", CompanyRoles.All)}.");
            return null;
        }

        return role;
    }

    /// <summary>A given slug (lower-case words joined by '-'), checked; null when none was given.</summary>
    public static string? Slug(string? value, FieldErrors errors, string field = "slug")
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxSlugLength || !SlugPattern().IsMatch(value))
        {
            errors.Add(field, $"Lower-case letters and digits in words joined by '-', at most {MaxSlugLength} characters.");
            return null;
        }

        return value;
    }

    /// <summary>A slug derived from a name: "Acme Robotics, Inc." becomes "acme-robotics-inc".</summary>
    public static string Slugify(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                builder.Append(c);
            }
            else if (c is >= 'A' and <= 'Z')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark && builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length > MaxSlugLength - 4)
        {
            slug = slug[..(MaxSlugLength - 4)].TrimEnd('-');
        }

        return slug.Length == 0 ? "company" : slug;
    }

    /// <summary>A random 20-character password from an unambiguous alphabet (about 116 bits).</summary>
    public static string GeneratePassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 20);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
