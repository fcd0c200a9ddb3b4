using FluidManager.Models;

namespace FluidManager.Grains.Governance;

/// <summary>
/// The allowed models: the server's list (<c>Fluid:Models:Allowed</c>) is the outer bound, the company's list
/// narrows it (empty: no narrowing). Entries are model ids, <c>provider:*</c> or <c>*</c>. Pure.
/// </summary>
internal static class ModelBounds
{
    /// <summary>Why <paramref name="model"/> may not be used, or null when both lists allow it.</summary>
    public static string? Refusal(string model, IReadOnlyList<string> server, IReadOnlyList<string> company)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return "is required";
        }

        var id = ModelId.Parse(model);
        if (!server.Any(id.Matches))
        {
            return $"'{model.Trim()}' is not in the server's allowed models ({string.Join(", ", server)})";
        }

        return company.Count > 0 && !company.Any(id.Matches)
            ? $"'{model.Trim()}' is not in the company's allowed models ({string.Join(", ", company)})"
            : null;
    }

    /// <summary>Why a company entry is outside the server's list, or null when the server allows everything it names.</summary>
    public static string? EntryRefusal(string entry, IReadOnlyList<string> server)
    {
        var text = entry.Trim();
        if (text.Length == 0)
        {
            return "each entry must be a model id, provider:* or *";
        }

        if (server.Any(s => s.Trim() == "*"))
        {
            return null;
        }

        var inside = text switch
        {
            "*" => false,
            _ when text.EndsWith(":*", StringComparison.Ordinal) =>
                server.Any(s => string.Equals(s.Trim(), text, StringComparison.OrdinalIgnoreCase)),
            _ => server.Any(ModelId.Parse(text).Matches),
        };
        return inside ? null : $"'{text}' is outside the server's allowed models ({string.Join(", ", server)})";
    }
}
