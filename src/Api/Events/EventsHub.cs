using System.Globalization;
using System.Text.RegularExpressions;
using FluidManager.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace FluidManager.Api.Events;

/// <summary>
/// Live events at <c>/hubs/events</c>. A connection joins its company's group on connect and so
/// receives every event of its company as an <c>event</c> message. <c>SubscribeAsync("task:42")</c>
/// adds one stream's events; <c>UnsubscribeAsync("company")</c> leaves the company-wide feed so a
/// connection receives only the streams it subscribed to. Group names carry the caller's company,
/// so no subscription reaches another company. A connection in both the company group and a stream
/// group receives that stream's events twice: events carry their position, and clients already
/// skip positions they have seen (they catch up from GET /api/events after reconnecting).
/// </summary>
[Authorize(Policy = AccessPolicies.Read)]
public sealed partial class EventsHub : Hub
{
    /// <summary>The stream name that means "every event of my company".</summary>
    public const string CompanyStream = "company";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, EventGroups.Company(CompanyOf(Context)));
        await base.OnConnectedAsync();
    }

    /// <summary>Adds a stream ("task:42", "agent:7", "meeting:3", or "company" for everything) to this connection.</summary>
    public Task SubscribeAsync(string stream) => Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(stream));

    public Task UnsubscribeAsync(string stream) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(stream));

    private string GroupOf(string stream)
    {
        var company = CompanyOf(Context);
        if (stream == CompanyStream)
        {
            return EventGroups.Company(company);
        }

        return StreamPattern().IsMatch(stream ?? "")
            ? EventGroups.Stream(company, stream!)
            : throw new HubException("A stream is \"company\" or \"<kind>:<id>\", such as \"task:42\".");
    }

    private static long CompanyOf(HubCallerContext context) =>
        AccessClaims.ToIdentity(context.User)?.CompanyId ?? throw new HubException("Not signed in to a company.");

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,40}:[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamPattern();
}

/// <summary>SignalR group names. Each starts with the company id: a group never spans companies.</summary>
public static class EventGroups
{
    public static string Company(long companyId) => $"company:{companyId.ToString(CultureInfo.InvariantCulture)}";

    public static string Stream(long companyId, string stream) => $"{Company(companyId)}:stream:{stream}";
}
