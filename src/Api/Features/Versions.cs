using System.Globalization;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FluidManager.Api.Features;

/// <summary>
/// Optimistic concurrency over HTTP: a resource's version is its ETag (<c>"7"</c>); a command sends
/// it back as <c>If-Match</c> (or <c>expectedVersion</c> in the body) and gets 412 when someone
/// changed the resource first. A GET with a current <c>If-None-Match</c> answers 304.
/// </summary>
public static class Versions
{
    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>Sets the ETag header to the version and returns <paramref name="value"/>.</summary>
    public static T WithETag<T>(this HttpContext http, T value, long version)
    {
        http.Response.Headers.ETag = ETag(version);
        return value;
    }

    /// <summary>200 with the value, or 304 when the caller's <c>If-None-Match</c> is current; the ETag header either way.</summary>
    public static Results<Ok<T>, StatusCodeHttpResult> OkOrNotModified<T>(this HttpContext http, T value, long version)
    {
        http.Response.Headers.ETag = ETag(version);
        if (IsNotModified(http, version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Ok(value);
    }

    /// <summary>True when the request's <c>If-None-Match</c> names the current version (or is "*").</summary>
    public static bool IsNotModified(HttpContext http, long version)
    {
        var header = http.Request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        var current = ETag(version);
        return EntityTagHeaderValue.TryParseList(header, out var tags)
            && tags.Any(t => t.Tag == "*" || t.Tag.Equals(current, StringComparison.Ordinal));
    }

    /// <summary>
    /// The version the caller expects: <c>If-Match</c> when sent (a weak tag counts too; "*" means
    /// any), else <paramref name="fromBody"/>. Both, and different: 400.
    /// </summary>
    public static long? Expected(HttpContext http, long? fromBody = null)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return fromBody;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count != 1)
        {
            throw new ValidationException(HeaderNames.IfMatch, "Send one ETag, as received, such as \"3\".");
        }

        var tag = tags[0].Tag;
        if (tag == "*")
        {
            return fromBody;
        }

        if (!long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new ValidationException(HeaderNames.IfMatch, $"{tag} is not an ETag of this API: send the ETag header of the resource, such as \"3\".");
        }

        if (fromBody is { } body && body != version)
        {
            throw new ValidationException("expectedVersion", $"is {body} but If-Match says {version}: send one of them.");
        }

        return version;
    }
}
