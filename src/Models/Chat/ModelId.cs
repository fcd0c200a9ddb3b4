namespace FluidManager.Models;

/// <summary>
/// A model id split into provider and name: <c>offline</c>, <c>scripted:launch</c>, <c>azure:my-deployment</c>,
/// <c>openai:gpt-4o-mini</c>. A bare name that is not a provider (<c>gpt-4o-mini</c>) is an OpenAI-compatible model.
/// </summary>
public readonly record struct ModelId(string Provider, string Name)
{
    public const string Offline = "offline";
    public const string Scripted = "scripted";
    public const string OpenAI = "openai";
    public const string Azure = "azure";

    /// <summary>The canonical text: <c>offline</c> or <c>provider:name</c>.</summary>
    public override string ToString() => Name.Length == 0 ? Provider : $"{Provider}:{Name}";

    public static ModelId Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var text = value.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = (colon < 0 ? text : text[..colon]).ToLowerInvariant();
        var rest = colon < 0 ? "" : text[(colon + 1)..].Trim();
        return head switch
        {
            Offline => new ModelId(Offline, rest),
            Scripted => new ModelId(Scripted, rest),
            OpenAI => new ModelId(OpenAI, rest),
            Azure => new ModelId(Azure, rest),
            _ => new ModelId(OpenAI, text),
        };
    }

    /// <summary>Whether this id matches an allowed entry: an exact id, <c>provider:*</c>, or <c>*</c>.</summary>
    public bool Matches(string allowedEntry)
    {
        var entry = allowedEntry.Trim();
        if (entry == "*")
        {
            return true;
        }

        if (entry.EndsWith(":*", StringComparison.Ordinal))
        {
            return string.Equals(Provider, entry[..^2].Trim(), StringComparison.OrdinalIgnoreCase);
        }

        var other = Parse(entry);
        return string.Equals(Provider, other.Provider, StringComparison.Ordinal)
            && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);
    }
}
