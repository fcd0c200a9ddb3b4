using System.Globalization;
using System.Text;
using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>A new meeting: participants in speaking order; without maxRounds or maxTokens it lasts three rounds; budget in USD.</summary>
public sealed record CreateMeetingRequest(
    string? Title,
    string? Goal,
    IReadOnlyList<string>? Agenda,
    IReadOnlyList<long>? ParticipantAgentIds,
    int? MaxRounds,
    long? MaxTokens,
    decimal? Budget,
    bool? AutoDispatch,
    string? Model);

/// <summary>The CEO speaks; with toAgentId, as a question that participant answers next.</summary>
public sealed record SpeakRequest(string? Text, long? ToAgentId);

/// <summary>Changes the budget (removeBudget: none) and the auto-dispatch setting.</summary>
public sealed record UpdateMeetingRequest(decimal? Budget, bool? RemoveBudget, bool? AutoDispatch);

/// <summary>The CEO's review of a call to action: edit, reassign (ownerAgentId), drop (dropped: true) or take back (dropped: false).</summary>
public sealed record UpdateCtaRequest(string? Title, string? Description, long? OwnerAgentId, DateOnly? DueDate, TaskPriority? Priority, bool? Dropped);

/// <summary>The calls to action to dispatch; none named: every proposed or refused one.</summary>
public sealed record DispatchCtasRequest(IReadOnlyList<long>? CtaIds);

/// <summary>Meetings: a conversation between the CEO and agents that ends in minutes and calls to action dispatched as tasks.</summary>
public static class MeetingsApi
{
    public static IEndpointRouteBuilder MapMeetingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/meetings").WithTags("Meetings");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListMeetings")
            .WithSummary("The company's meetings, newest first, with their participants and spend.");

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateMeeting")
            .WithSummary("Creates a draft meeting: title, goal, agenda, participants from the org chart, optional round or token limit, budget (USD) and auto-dispatch.")
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetMeeting")
            .WithSummary("One meeting: status, who speaks, round, tokens and cost, in total and per participant.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:long}", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateMeeting")
            .WithSummary("Changes the meeting's budget (USD; removeBudget: none) or auto-dispatch.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/start", StartAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("StartMeeting")
            .WithSummary("Starts a draft meeting: the facilitator gives the floor to the first participant (409 when not a draft).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:long}/messages", ListMessagesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListMeetingMessages")
            .WithSummary("The transcript after message number 'after' (default 0), in order. Live: events 'meeting.message' on stream meeting:{id}.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/messages", SpeakAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SpeakInMeeting")
            .WithSummary("The CEO speaks in a running meeting; with toAgentId the participant is asked and answers next (409 when not running).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/end", EndAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("EndMeeting")
            .WithSummary("Ends the conversation (the turn in flight is dropped) and writes the minutes; on a meeting whose minutes failed, tries again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:long}/minutes", GetMinutesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetMeetingMinutes")
            .WithSummary("The minutes: summary, decisions, risks, open questions and calls to action with their tasks' live status (404 until written).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:long}/ctas/{ctaId:long}", UpdateCtaAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateMeetingCta")
            .WithSummary("Edits, reassigns, drops or takes back a call to action that is not dispatched yet.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/dispatch", DispatchAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DispatchMeetingCtas")
            .WithSummary("Turns calls to action into tasks at the right level of the org chart; a route the hierarchy policy refuses is shown on the call, not bypassed.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:long}/export.md", MarkdownAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetMeetingMarkdown")
            .WithSummary("The meeting as Markdown: settings, minutes, calls to action and transcript.")
            .Produces(StatusCodes.Status200OK, contentType: "text/markdown")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/export", ExportAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ExportMeeting")
            .WithSummary("Stores the Markdown of the meeting as an artifact of the meeting and returns it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<MeetingDto>>> ListAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingsGrain>(caller.CompanyId).ListAsync(caller.CompanyId));

    private static async Task<Created<MeetingDto>> CreateAsync(CreateMeetingRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var meeting = await grains.GetGrain<IMeetingsGrain>(caller.CompanyId).CreateAsync(ToCommand(caller.CompanyId, request));
        return TypedResults.Created($"/api/meetings/{meeting.Id}", meeting);
    }

    /// <summary>The command behind POST /api/meetings (the demo loader creates meetings through it too).</summary>
    public static CreateMeetingCommand ToCommand(long companyId, CreateMeetingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CreateMeetingCommand
        {
            CompanyId = companyId,
            Title = request.Title ?? "",
            Goal = request.Goal ?? "",
            Agenda = request.Agenda ?? [],
            ParticipantAgentIds = request.ParticipantAgentIds ?? [],
            MaxRounds = request.MaxRounds,
            MaxTokens = request.MaxTokens,
            Budget = request.Budget,
            AutoDispatch = request.AutoDispatch ?? false,
            Model = request.Model,
        };
    }

    private static async Task<Ok<MeetingDto>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).GetAsync(caller.CompanyId));

    private static async Task<Ok<MeetingDto>> UpdateAsync(long id, UpdateMeetingRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        if (request.Budget is not null && request.RemoveBudget == true)
        {
            throw new ValidationException("removeBudget", "cannot be combined with a budget");
        }

        var setBudget = request.Budget is not null || request.RemoveBudget == true;
        return TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).UpdateSettingsAsync(
            new UpdateMeetingSettingsCommand(caller.CompanyId, setBudget, request.Budget, request.AutoDispatch)));
    }

    private static async Task<Ok<MeetingDto>> StartAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).StartAsync(caller.CompanyId));

    private static async Task<Ok<IReadOnlyList<MeetingMessageDto>>> ListMessagesAsync(long id, ICompanyContext caller, IGrainFactory grains, int? after = null) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).ListMessagesAsync(caller.CompanyId, Math.Max(0, after ?? 0)));

    private static async Task<Created<MeetingMessageDto>> SpeakAsync(long id, SpeakRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var message = await grains.GetGrain<IMeetingGrain>(id).SpeakAsync(new SpeakCommand(caller.CompanyId, request.Text ?? "", request.ToAgentId));
        return TypedResults.Created($"/api/meetings/{id}/messages?after={(message.Seq - 1).ToString(CultureInfo.InvariantCulture)}", message);
    }

    private static async Task<Ok<MeetingDto>> EndAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).EndAsync(caller.CompanyId));

    private static async Task<Ok<MinutesDto>> GetMinutesAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).GetMinutesAsync(caller.CompanyId) ?? throw new NotFoundException("Minutes of meeting", id));

    private static async Task<Ok<CtaDto>> UpdateCtaAsync(long id, long ctaId, UpdateCtaRequest request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).UpdateCtaAsync(new UpdateCtaCommand
        {
            CompanyId = caller.CompanyId,
            CtaId = ctaId,
            Title = request.Title,
            Description = request.Description,
            OwnerAgentId = request.OwnerAgentId,
            DueDate = request.DueDate,
            Priority = request.Priority,
            Dropped = request.Dropped,
        }));

    private static async Task<Ok<IReadOnlyList<CtaDto>>> DispatchAsync(long id, ICompanyContext caller, IGrainFactory grains, DispatchCtasRequest? request = null) =>
        TypedResults.Ok(await grains.GetGrain<IMeetingGrain>(id).DispatchAsync(new DispatchCtasCommand(caller.CompanyId, request?.CtaIds)));

    private static async Task<ContentHttpResult> MarkdownAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Text(await grains.GetGrain<IMeetingGrain>(id).ExportMarkdownAsync(caller.CompanyId), "text/markdown", Encoding.UTF8);

    private static async Task<Created<ArtifactDto>> ExportAsync(long id, ICompanyContext caller, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        var meeting = grains.GetGrain<IMeetingGrain>(id);
        var markdown = await meeting.ExportMarkdownAsync(caller.CompanyId);
        var key = ObjectKeys.NewArtifactKey(caller.CompanyId);
        StoredObject stored;
        await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(markdown), writable: false))
        {
            stored = await store.PutAsync(key, content, "text/markdown", cancellationToken);
        }

        try
        {
            var artifact = await meeting.RecordExportAsync(caller.CompanyId, stored, $"meeting-{id.ToString(CultureInfo.InvariantCulture)}-minutes.md");
            return TypedResults.Created($"/api/meetings/{id}/export.md", artifact);
        }
        catch
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw;
        }
    }
}
