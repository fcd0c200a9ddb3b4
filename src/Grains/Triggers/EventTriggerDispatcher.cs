using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// Follows the committed event log from a durable cursor and offers each event to the enabled event triggers of its
/// company and type (<see cref="IEventTriggerGrain"/>), then moves the cursor past it. A firing that throws is tried
/// <see cref="TriggerOptions.Attempts"/> times with doubling waits, then recorded as failed. Several processes may
/// follow the log at once: each (trigger, event) pair fires at most once, and a restart re-reads from the cursor.
/// </summary>
public sealed class EventTriggerDispatcher(
    NpgsqlDataSource dataSource, EventLog log, IGrainFactory grains, IOptions<TriggerOptions> options, TimeProvider time, ILogger<EventTriggerDispatcher> logger)
    : BackgroundService
{
    private const int Page = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                while (await PassAsync(stoppingToken))
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TriggerPassFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One page of the log after the cursor; true when a full page was read (more may follow at once).</summary>
    internal async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        long cursor;
        List<(long Id, long CompanyId, string Type)> triggers;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (await new NpgsqlCommand(TriggersSql.Cursor, connection).ScalarAsync<long?>(cancellationToken) is not { } stored)
            {
                await new NpgsqlCommand(TriggersSql.StartCursor, connection).ExecuteAsync(cancellationToken);
                stored = await new NpgsqlCommand(TriggersSql.Cursor, connection).ScalarAsync<long>(cancellationToken);
            }

            cursor = stored;
            triggers = await new NpgsqlCommand(TriggersSql.EnabledEventTriggers, connection)
                .ListAsync(r => (r.GetInt64(0), r.GetInt64(1), r.GetString(2)), cancellationToken);
        }

        var events = await log.ReadAsync(cursor, limit: Page, cancellationToken: cancellationToken);
        if (events.Count == 0)
        {
            return false;
        }

        foreach (var e in events)
        {
            if (IsCompanyCopy(e, events))
            {
                continue;
            }

            foreach (var trigger in triggers.Where(t => t.CompanyId == e.CompanyId && t.Type == e.Type))
            {
                await FireAsync(trigger.Id, e, cancellationToken);
            }
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await new NpgsqlCommand(TriggersSql.AdvanceCursor, connection).With("position", events[^1].Position).ExecuteAsync(cancellationToken);
        }

        return events.Count == Page;
    }

    /// <summary>
    /// The company-stream copy of an event the same transaction wrote on its own stream too (an approval's decision is
    /// written on its task's stream and on the company's): a trigger fires once for the happening, on the first.
    /// </summary>
    internal static bool IsCompanyCopy(EventRecord e, IReadOnlyList<EventRecord> page) =>
        e.Stream.StartsWith("company:", StringComparison.Ordinal)
        && page.Any(o => o.Position != e.Position && o.Position >> 20 == e.Position >> 20 && o.Type == e.Type
            && !o.Stream.StartsWith("company:", StringComparison.Ordinal) && JsonElement.DeepEquals(o.Payload, e.Payload));

    private async Task FireAsync(long triggerId, EventRecord e, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IEventTriggerGrain>(triggerId);
        var attempts = options.Value.Attempts;
        string error = "";
        var attempt = 1;
        for (; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var caller = CallerContext.As(string.Create(CultureInfo.InvariantCulture, $"trigger:{triggerId}"));
                await grain.FireAsync(new EventFiringCommand
                {
                    CompanyId = e.CompanyId!.Value,
                    Position = e.Position,
                    Stream = e.Stream,
                    Type = e.Type,
                    Payload = e.Payload,
                    Attempt = attempt,
                });
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex is ValidationException invalid
                    ? string.Join("; ", invalid.Errors.Select(x => $"{x.Key}: {string.Join(", ", x.Value)}"))
                    : ex.Message;
                Log.TriggerAttemptFailed(logger, triggerId, e.Position, e.Type, attempt, attempts, error);
                if (attempt >= attempts)
                {
                    break;
                }

                await Task.Delay(options.Value.RetryBackoff * Math.Pow(2, attempt - 1), time, cancellationToken);
            }
        }

        using var failing = CallerContext.As(string.Create(CultureInfo.InvariantCulture, $"trigger:{triggerId}"));
        await grain.RecordFailureAsync(new FailedFiringCommand { CompanyId = e.CompanyId!.Value, Position = e.Position, Type = e.Type, Error = error, Attempts = attempt });
    }
}
