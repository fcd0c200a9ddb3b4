using System.Security.Cryptography;
using System.Text;
using FluidManager.Api.Access;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Idempotency;

/// <summary>Endpoint metadata: Idempotency-Key is ignored because the response carries a secret (a token, a password) that must not be stored.</summary>
public sealed class NoIdempotencyMetadata
{
    public static NoIdempotencyMetadata Instance { get; } = new();

    private NoIdempotencyMetadata()
    {
    }
}

public static class IdempotencyEndpointExtensions
{
    /// <summary>Marks an endpoint whose response must never be stored for replays (see <see cref="NoIdempotencyMetadata"/>).</summary>
    public static TBuilder WithoutIdempotency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(NoIdempotencyMetadata.Instance);
}

/// <summary>
/// Makes POST, PUT, PATCH and DELETE under /api idempotent given an <c>Idempotency-Key</c> header
/// (at most 200 characters), per company and user. The first request runs and its response (status,
/// body, content type, location) is stored; a replay returns it with <c>Idempotent-Replayed: true</c>;
/// the same key with another method, path or body answers 422, and while the first request is still
/// running, 409. A request that fails with an error (an exception or a 5xx) changed nothing (turns
/// are atomic), so its key is released for a retry.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, IOptions<ApiOptions> options)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
            || !request.Path.StartsWithSegments("/api")
            || !request.Headers.TryGetValue(KeyHeader, out var values)
            || context.GetEndpoint()?.Metadata.GetMetadata<NoIdempotencyMetadata>() is not null
            || AccessClaims.ToIdentity(context.User) is not { } caller)
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (values.Count != 1 || string.IsNullOrWhiteSpace(key) || key.Length > IdempotencyStore.MaxKeyLength)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "The Idempotency-Key header is invalid.",
                $"Send one {KeyHeader} of 1 to {IdempotencyStore.MaxKeyLength} characters, such as a UUID.", "idempotency.invalid_key");
            return;
        }

        var settings = options.Value;
        var hash = await HashRequestAsync(request, context.RequestAborted);
        var (decision, stored) = await store.BeginAsync(caller.CompanyId, caller.UserId, key, hash, settings.IdempotencyRetention, settings.IdempotencyPendingTimeout, context.RequestAborted);
        switch (decision)
        {
            case IdempotencyDecision.Replay:
                await ReplayAsync(context, stored!);
                return;
            case IdempotencyDecision.Mismatch:
                await Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used for another request.",
                    "The key was first sent with a different method, path or body: use a new key for a new request.", "idempotency.key_reused");
                return;
            case IdempotencyDecision.InFlight:
                context.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still running.",
                    "Wait for the first request to finish, then send this one again to receive its response.", "idempotency.in_flight");
                return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = original;
            await store.AbandonAsync(caller.CompanyId, caller.UserId, key, CancellationToken.None);
            throw;
        }

        context.Response.Body = original;
        var response = context.Response;
        if (response.StatusCode >= 500)
        {
            await store.AbandonAsync(caller.CompanyId, caller.UserId, key, CancellationToken.None);
        }
        else
        {
            var location = response.Headers.Location.ToString();
            await store.CompleteAsync(caller.CompanyId, caller.UserId, key,
                new IdempotentResponse(response.StatusCode, buffer.ToArray(), response.ContentType, location.Length == 0 ? null : location), CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotentResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        response.Headers[ReplayedHeader] = "true";
        if (stored.ContentType is not null)
        {
            response.ContentType = stored.ContentType;
        }

        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }

        if (stored.Body.Length > 0)
        {
            response.ContentLength = stored.Body.Length;
            await response.Body.WriteAsync(stored.Body, context.RequestAborted);
        }
    }

    /// <summary>SHA-256 over method, path, query and body: what makes two requests "the same".</summary>
    private static async Task<byte[]> HashRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{request.QueryString}\n"));
        request.EnableBuffering();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }
}
