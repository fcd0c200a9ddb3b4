using Dapper;
using Npgsql;
using static FluidManager.Grains.Access.AccessRows;

namespace FluidManager.Grains.Access;

/// <summary>What to do with a request that carries an Idempotency-Key.</summary>
public enum IdempotencyDecision
{
    /// <summary>First time: run it, then <see cref="IdempotencyStore.CompleteAsync"/> or <see cref="IdempotencyStore.AbandonAsync"/>.</summary>
    Run,

    /// <summary>Answered before: send the stored response again.</summary>
    Replay,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,

    /// <summary>The first request with this key is still running.</summary>
    InFlight,
}

/// <summary>A stored response.</summary>
public sealed record IdempotentResponse(int StatusCode, byte[] Body, string? ContentType, string? Location);

/// <summary>
/// Idempotency keys per (company, user, key). The first request inserts a pending row, runs, and
/// stores its response; a replay gets that response; the same key with another request is refused.
/// A pending row older than <c>pendingTimeout</c> (its request died) and rows past their retention
/// no longer count.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MaxKeyLength = 200;

    public async Task<(IdempotencyDecision Decision, IdempotentResponse? Stored)> BeginAsync(
        long companyId, long userId, string key, byte[] requestHash, TimeSpan retention, TimeSpan pendingTimeout, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = time.GetUtcNow();
            var scope = new { company_id = companyId, user_id = userId, key };
            var inserted = await connection.ExecuteAsync(new CommandDefinition(AccessSql.BeginIdempotent,
                new { company_id = companyId, user_id = userId, key, request_hash = requestHash, now }, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                return (IdempotencyDecision.Run, null);
            }

            var row = await connection.QuerySingleOrDefaultAsync<IdempotencyRow>(new CommandDefinition(AccessSql.ReadIdempotent, scope, cancellationToken: cancellationToken));
            if (row is null)
            {
                continue; // removed in between: try to insert again
            }

            var age = now - Utc(row.CreatedAt);
            if (age > retention || (row.StatusCode is null && age > pendingTimeout))
            {
                await connection.ExecuteAsync(new CommandDefinition(AccessSql.DeleteStaleIdempotent,
                    new { company_id = companyId, user_id = userId, key, created_at = row.CreatedAt }, cancellationToken: cancellationToken));
                continue;
            }

            if (!row.RequestHash.AsSpan().SequenceEqual(requestHash))
            {
                return (IdempotencyDecision.Mismatch, null);
            }

            return row.StatusCode is { } status
                ? (IdempotencyDecision.Replay, new IdempotentResponse(status, row.ResponseBody ?? [], row.ContentType, row.Location))
                : (IdempotencyDecision.InFlight, null);
        }

        return (IdempotencyDecision.InFlight, null);
    }

    public async Task CompleteAsync(long companyId, long userId, string key, IdempotentResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AccessSql.CompleteIdempotent,
            new
            {
                company_id = companyId,
                user_id = userId,
                key,
                status_code = response.StatusCode,
                response_body = response.Body,
                content_type = response.ContentType,
                location = response.Location,
                now = time.GetUtcNow(),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Forgets a pending key whose request failed, so the client may try again with it.</summary>
    public async Task AbandonAsync(long companyId, long userId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AccessSql.AbandonIdempotent, new { company_id = companyId, user_id = userId, key }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes keys created before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(AccessSql.PurgeIdempotent, new { before }, cancellationToken: cancellationToken));
    }
}
