using System.ComponentModel;
using FluidManager.Api.Access;
using FluidManager.Api.Features;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Runtime.Grains;
using ModelContextProtocol.Server;

namespace FluidManager.Api.McpEndpoint;

/// <summary>Meetings: read them, their transcript and minutes (any member); start one (the ceo). The same grains as /api/meetings.</summary>
[McpServerToolType]
public sealed class MeetingTools(ICompanyContext caller, IGrainFactory grains, McpToolCalls calls)
{
    [McpServerTool(Name = "list_meetings", Title = "List meetings", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The company's meetings, newest first: title, goal, status (draft, running, ended…), participants, rounds, tokens and cost.")]
    public Task<string> ListMeetingsAsync() =>
        calls.RunAsync(() => grains.GetGrain<IMeetingsGrain>(caller.CompanyId).ListAsync(caller.CompanyId));

    [McpServerTool(Name = "get_meeting", Title = "Get a meeting", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One meeting by id: status, who speaks, round, tokens and cost, in total and per participant.")]
    public Task<string> GetMeetingAsync([Description("The meeting's id.")] long meetingId) =>
        calls.RunAsync(() => grains.GetGrain<IMeetingGrain>(meetingId).GetAsync(caller.CompanyId));

    [McpServerTool(Name = "get_meeting_transcript", Title = "Read a meeting's transcript", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("What was said in a meeting, in order, after message number 'after'.")]
    public Task<string> GetTranscriptAsync(
        [Description("The meeting's id.")] long meetingId,
        [Description("Only the messages after this number (default 0: all).")] int after = 0) =>
        calls.RunAsync(() => grains.GetGrain<IMeetingGrain>(meetingId).ListMessagesAsync(caller.CompanyId, Math.Max(0, after)));

    [McpServerTool(Name = "get_meeting_minutes", Title = "Read a meeting's minutes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The minutes of an ended meeting: summary, decisions, risks, open questions and calls to action with their tasks' live status. Not found until they are written.")]
    public Task<string> GetMinutesAsync([Description("The meeting's id.")] long meetingId) =>
        calls.RunAsync(async () => await grains.GetGrain<IMeetingGrain>(meetingId).GetMinutesAsync(caller.CompanyId)
            ?? throw new NotFoundException("Minutes of meeting", meetingId));

    [McpServerTool(Name = "start_meeting", Title = "Start a meeting", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Starts a meeting. Either give meetingId to start an existing draft, or give title, goal and participantAgentIds (and optionally agenda, maxRounds, budget) to create one and start it at once. The facilitator then gives the floor to the first participant; the minutes follow when it ends.")]
    public Task<string> StartMeetingAsync(
        [Description("An existing draft meeting to start. Leave out to create a new one.")] long? meetingId = null,
        [Description("The new meeting's title.")] string? title = null,
        [Description("What the new meeting must decide or produce.")] string? goal = null,
        [Description("The agents who take part, in speaking order.")] long[]? participantAgentIds = null,
        [Description("Agenda items, in order.")] string[]? agenda = null,
        [Description("How many rounds at most (default 3).")] int? maxRounds = null,
        [Description("Spending limit in USD.")] decimal? budget = null,
        [Description("Turn the calls to action into tasks as soon as the minutes are written (default false).")] bool? autoDispatch = null) =>
        calls.RunAsync(async () =>
        {
            long id;
            if (meetingId is { } existing)
            {
                if (title is not null || goal is not null || participantAgentIds is not null || agenda is not null || maxRounds is not null || budget is not null || autoDispatch is not null)
                {
                    throw McpToolCalls.Invalid("meetingId", "starts an existing draft as it is: leave out title, goal, participantAgentIds, agenda, maxRounds, budget and autoDispatch, or leave out meetingId to create a new meeting.");
                }

                id = existing;
            }
            else
            {
                var request = new CreateMeetingRequest(title, goal, agenda, participantAgentIds, maxRounds, null, budget, autoDispatch, null);
                id = (await grains.GetGrain<IMeetingsGrain>(caller.CompanyId).CreateAsync(MeetingsApi.ToCommand(caller.CompanyId, request))).Id;
            }

            return await grains.GetGrain<IMeetingGrain>(id).StartAsync(caller.CompanyId);
        });
}
