using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Storage;
using FluidManager.Knowledge.Spaces;
using FluidManager.Runtime.Grains;

namespace FluidManager.Api.Features;

/// <summary>
/// The knowledge documents' bytes of a company document, moved outside any grain turn (object storage is slow
/// work): an export with documents carries each one base64-encoded in <c>content</c>; an import stores them
/// once the rest of the company is committed, then each is ingested as an upload would be. Importing the
/// same document again replaces a document of the same name, so a failed upload can simply be retried.
/// </summary>
public sealed class CompanyDocuments(IGrainFactory grains, IObjectStore store)
{
    /// <summary>Replaces each document's storage key by its bytes.</summary>
    public async Task<string> AddContentsAsync(string document, CancellationToken cancellationToken)
    {
        var root = JsonNode.Parse(document)!;
        foreach (var item in Documents(root))
        {
            var key = item["storageKey"]!.GetValue<string>();
            item.Remove("storageKey");
            await using var content = await store.GetAsync(key, cancellationToken);
            if (content is null)
            {
                item["missing"] = true;
                continue;
            }

            using var bytes = new MemoryStream();
            await content.Content.CopyToAsync(bytes, cancellationToken);
            item["content"] = Convert.ToBase64String(bytes.GetBuffer(), 0, (int)bytes.Length);
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Stores and adds the documents that carry their bytes, in the spaces of the same name.</summary>
    public async Task UploadContentsAsync(long companyId, JsonElement document, CancellationToken cancellationToken)
    {
        var root = JsonNode.Parse(document.GetRawText())!;
        if (!Documents(root).Any(d => d["content"] is not null))
        {
            return;
        }

        var spaces = (await grains.GetGrain<IKnowledgeGrain>(companyId).ListSpacesAsync(companyId)).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var space in root["sections"]?["knowledgeSpaces"]?.AsArray() ?? [])
        {
            if (space?["name"]?.ToString() is not { } name || !spaces.TryGetValue(name, out var target))
            {
                continue;
            }

            foreach (var item in space["documents"]?.AsArray() ?? [])
            {
                if (item?["content"]?.ToString() is not { } base64)
                {
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    throw new ValidationException($"sections.knowledgeSpaces.{name}.documents.content", "is not base64");
                }

                var key = ObjectKeys.CompanyPrefix(companyId) + "knowledge/" + Guid.CreateVersion7().ToString("N");
                var contentType = item["contentType"]?.ToString() ?? "application/octet-stream";
                using var stream = new MemoryStream(bytes);
                var stored = await store.PutAsync(key, stream, contentType, cancellationToken);
                var tags = item["tags"] is JsonArray labels ? labels.Select(t => t?.ToString()).ToList() : null;
                var metadata = item["metadata"] is JsonObject fields ? fields.ToDictionary(f => f.Key, f => f.Value?.ToString()) : null;
                var added = await grains.GetGrain<IKnowledgeSpaceGrain>(target.Id).AddDocumentAsync(
                    new AddDocumentCommand(companyId, item["name"]?.ToString() ?? "document", stored, tags, metadata));
                if (added.ReplacedStorageKey is { } replaced)
                {
                    await store.DeleteAsync(replaced, CancellationToken.None);
                }
            }
        }
    }

    private static IEnumerable<JsonObject> Documents(JsonNode root) =>
        (root["sections"]?["knowledgeSpaces"]?.AsArray() ?? [])
            .SelectMany(s => s?["documents"]?.AsArray() ?? [])
            .OfType<JsonObject>()
            .Where(d => d["storageKey"] is not null || d["content"] is not null)
            .ToList();
}
