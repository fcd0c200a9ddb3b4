using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Runtime.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Events;

/// <summary>An event as clients see it, live ("event" messages on /hubs/events) and in GET /api/events.</summary>
public sealed record EventMessage(long Position, string Stream, string Type, JsonElement Payload, string? Actor, DateTimeOffset At)
{
    public static EventMessage From(EventRecord record) => new(record.Position, record.Stream, record.Type, record.Payload, record.Actor, record.At);
}

/// <summary>A page of events; ask again with <c>after=next</c> to continue.</summary>
public sealed record EventPage(IReadOnlyList<EventMessage> Events, long Next);

/// <summary>The event log of the caller's company, for catching up after (re)connecting.</summary>
public static class EventsApi
{
    public const int DefaultLimit = 500;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", ReadAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithTags("Events")
            .WithName("ReadEvents")
            .WithSummary("Committed events of the current company after a position, in order, optionally of one stream (e.g. task:42). Continue with after=next.")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Ok<EventPage>> ReadAsync(ICompanyContext caller, EventLog log, CancellationToken cancellationToken, long after = 0, string? stream = null, int limit = DefaultLimit)
    {
        var errors = new FieldErrors();
        if (after < 0)
        {
            errors.Add("after", "A position of 0 or more.");
        }

        if (limit is < 1 or > EventLog.MaxPage)
        {
            errors.Add("limit", $"Between 1 and {EventLog.MaxPage}.");
        }

        if (stream is { Length: 0 or > 200 })
        {
            errors.Add("stream", "A stream name of 1 to 200 characters, such as task:42.");
        }

        errors.ThrowIfAny();
        var events = await log.ReadAsync(after, caller.CompanyId, stream, limit, cancellationToken);
        return TypedResults.Ok(new EventPage(events.Select(EventMessage.From).ToList(), events.Count > 0 ? events[^1].Position : after));
    }
}
