using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FluidManager.Api.Features;

/// <summary>
/// Files in and out of object storage. An upload writes the bytes first, then records them through
/// a grain; when the grain refuses, the bytes are deleted again, so a refused upload leaves nothing.
/// </summary>
public static class Uploads
{
    /// <summary>The multipart form field that carries the file.</summary>
    public const string FileField = "file";

    /// <summary>Refuses a missing or empty file with a 400 naming the form field.</summary>
    public static IFormFile Require(IFormFile? file) => file switch
    {
        null => throw new ValidationException(FileField, $"A file is required: send multipart/form-data with the file in the field \"{FileField}\"."),
        { Length: 0 } => throw new ValidationException(FileField, "The file is empty."),
        _ => file,
    };

    /// <summary>The file's own name without any folder part, or <paramref name="fallback"/>.</summary>
    public static string NameOf(IFormFile file, string fallback = "upload") =>
        Path.GetFileName(file.FileName) is { Length: > 0 } name ? name : fallback;

    /// <summary>Stores the file under a fresh key of the company, then runs <paramref name="record"/>; deletes the bytes if it throws.</summary>
    public static async Task<T> StoreThenRecordAsync<T>(IObjectStore store, long companyId, IFormFile file, Func<StoredObject, Task<T>> record, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.NewArtifactKey(companyId);
        var contentType = string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType;
        StoredObject stored;
        await using (var content = file.OpenReadStream())
        {
            stored = await store.PutAsync(key, content, contentType, cancellationToken);
        }

        try
        {
            return await record(stored);
        }
        catch
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The artifact's bytes, with its content type, name, length and SHA-256 as ETag.</summary>
    public static async Task<FileStreamHttpResult> DownloadAsync(HttpContext http, IObjectStore store, ArtifactDto artifact, CancellationToken cancellationToken)
    {
        if (artifact.StorageKey is not { } key)
        {
            throw new ConflictException($"Artifact {artifact.Id} is a link: follow its url instead.", "artifact.no_content");
        }

        var content = await store.GetAsync(key, cancellationToken) ?? throw new NotFoundException("Content of artifact", artifact.Id);
        http.Response.RegisterForDisposeAsync(content);
        http.Response.ContentLength = content.Length;
        var tag = artifact.Sha256 is { } sha ? new EntityTagHeaderValue("\"" + sha + "\"") : null;
        return TypedResults.Stream(content.Content, artifact.ContentType ?? "application/octet-stream", artifact.Name, artifact.CreatedAt, tag);
    }
}
