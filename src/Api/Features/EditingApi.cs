using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>A task's new title and/or description; a field left out stays as it is.</summary>
public sealed record EditTaskRequest(string? Title, string? Description, long? ExpectedVersion);

/// <summary>Editing a task's text while it is open; deleting a task once it is done or cancelled, a meeting once it is a draft or ended.</summary>
public static class EditingApi
{
    public static IEndpointRouteBuilder MapEditingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");

        group.MapPatch("/{id:long}", EditAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("EditTask")
            .WithSummary("Changes the title and/or description of an open or failed task; refused (409 task.illegal_transition) once it is done or cancelled.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteTask")
            .WithSummary("Deletes a done or cancelled task (409 task.not_finished otherwise): it leaves every list, its event log keeps a task.deleted tombstone and its costs stay in the cost views.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}/artifacts/{artifactId:long}", DeleteArtifactAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteTaskArtifact")
            .WithSummary("Deletes one version of a task's artifact; its other versions stay listed and downloadable.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGroup("/api/meetings").WithTags("Meetings").MapDelete("/{id:long}", DeleteMeetingAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteMeeting")
            .WithSummary("Deletes a draft or ended (completed or failed) meeting (409 meeting.in_progress otherwise): it leaves the list, its event log keeps a meeting.deleted tombstone and its costs stay in the cost views.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<NoContent> DeleteArtifactAsync(long id, long artifactId, ICompanyContext caller, IGrainFactory grains)
    {
        await grains.GetGrain<ITaskGrain>(id).DeleteArtifactAsync(caller.CompanyId, artifactId);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteMeetingAsync(long id, ICompanyContext caller, IGrainFactory grains)
    {
        await grains.GetGrain<IMeetingGrain>(id).DeleteAsync(caller.CompanyId);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TaskDto>> EditAsync(long id, EditTaskRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).EditAsync(new EditTaskCommand(caller.CompanyId, request.Title, request.Description, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        await grains.GetGrain<ITaskGrain>(id).DeleteAsync(new DeleteTaskCommand(caller.CompanyId, Versions.Expected(http, null)));
        return TypedResults.NoContent();
    }
}
