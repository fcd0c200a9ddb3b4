using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Transfer;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// The company document: <c>{ "format": "fluidmanager.company", "formatVersion": 1, "exportedAt", "company":
/// { "name" }, "sections": { "agents": [...], ... } }</c>. Reading one checks the format and its version and
/// refuses sections this server does not know; comparing one with a company lists the differences by key.
/// </summary>
internal static class CompanyDocument
{
    public const string Format = "fluidmanager.company";

    /// <summary>The version this server writes and the only one it reads.</summary>
    public const int FormatVersion = 1;

    public static JsonObject Create(string companyName, DateTimeOffset exportedAt, JsonObject sections) => new()
    {
        ["format"] = Format,
        ["formatVersion"] = FormatVersion,
        ["exportedAt"] = exportedAt.ToUniversalTime(),
        ["company"] = new JsonObject { ["name"] = companyName },
        ["sections"] = sections,
    };

    /// <summary>The document's sections, once its format and version are known; a validation error names what is wrong.</summary>
    public static JsonObject Read(string? text, IReadOnlyCollection<ICompanySection> known)
    {
        JsonNode? root;
        try
        {
            root = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ValidationException("document", $"is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject document)
        {
            throw new ValidationException("document", "must be a JSON object, as the company export writes it");
        }

        if (document["format"]?.GetValueKind() != JsonValueKind.String || document["format"]!.GetValue<string>() != Format)
        {
            throw new ValidationException("format", $"must be \"{Format}\"");
        }

        var version = document["formatVersion"];
        if (version?.GetValueKind() != JsonValueKind.Number || !version.AsValue().TryGetValue<int>(out var number) || number != FormatVersion)
        {
            throw new ValidationException("formatVersion", $"{version?.ToJsonString() ?? "missing"} is not a version this server reads (it reads {FormatVersion})");
        }

        if (document["sections"] is not JsonObject sections)
        {
            throw new ValidationException("sections", "must be an object of sections");
        }

        var names = known.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in sections)
        {
            if (!names.Contains(name))
            {
                throw new ValidationException($"sections.{name}", $"is not a section this server knows (known: {string.Join(", ", names.Order(StringComparer.Ordinal))})");
            }
        }

        return sections;
    }

    /// <summary>The differences between the company's sections (<paramref name="current"/>) and a document's.</summary>
    public static IReadOnlyList<SectionChangesDto> Compare(IEnumerable<ICompanySection> sections, JsonObject current, JsonObject incoming)
    {
        var changes = new List<SectionChangesDto>();
        foreach (var section in sections)
        {
            var ours = Items(section, current[section.Name]);
            var theirs = Items(section, incoming[section.Name]);
            changes.Add(new SectionChangesDto(
                section.Name,
                [.. theirs.Keys.Where(k => !ours.ContainsKey(k))],
                [.. ours.Keys.Where(k => !theirs.ContainsKey(k))],
                [.. theirs.Where(t => ours.TryGetValue(t.Key, out var o) && !JsonNode.DeepEquals(o, t.Value)).Select(t => t.Key)],
                theirs.Count(t => ours.TryGetValue(t.Key, out var o) && JsonNode.DeepEquals(o, t.Value))));
        }

        return changes;
    }

    private static Dictionary<string, JsonNode?> Items(ICompanySection section, JsonNode? node)
    {
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array.Where(i => i is not null))
                {
                    items.TryAdd(section.KeyOf(item!), item);
                }

                break;
            case JsonObject single:
                items[section.Name] = single;
                break;
        }

        return items;
    }
}
