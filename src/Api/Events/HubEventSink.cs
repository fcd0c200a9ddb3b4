using FluidManager.Runtime.Events;
using Microsoft.AspNetCore.SignalR;

namespace FluidManager.Api.Events;

/// <summary>
/// Pushes each committed event, in log order, to its company's group and its stream's group as an
/// "event" message. A failed push is logged and skipped: live delivery is a hint, clients catch up
/// from the log.
/// </summary>
public sealed class HubEventSink(IHubContext<EventsHub> hub, ILogger<HubEventSink> logger) : IEventSink
{
    public const string Method = "event";

    public async Task OnEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        foreach (var record in events)
        {
            if (record.CompanyId is not { } company)
            {
                continue; // the runtime's own events belong to no company
            }

            try
            {
                await hub.Clients.Groups(EventGroups.Company(company), EventGroups.Stream(company, record.Stream))
                    .SendAsync(Method, EventMessage.From(record), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.LivePushFailed(logger, record.Position, ex.Message);
            }
        }
    }
}
