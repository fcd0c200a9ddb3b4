using FluidManager.Api.Idempotency;
using FluidManager.Grains.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Access;

/// <summary>A new member: a new account (with the given password, or a generated one returned once) or an existing account (no password: it keeps its own).</summary>
public sealed record AddUserRequest(string? Email, string? DisplayName, string? Password, string? Role);

/// <summary>Fields to change; omitted ones stay. Name, password and disabled apply to the account: only for accounts that belong to this company alone, or your own.</summary>
public sealed record UpdateUserRequest(string? Role, string? DisplayName, string? Password, bool? Disabled);

/// <summary>The users of the current company (ceo or admin). Ids of other companies' users answer 404.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(AccessPolicies.Admin);

        group.MapGet("/", ListAsync)
            .WithName("ListUsers")
            .WithSummary("The members of the current company with their roles.");

        group.MapGet("/{id:long}", GetAsync)
            .WithName("GetUser")
            .WithSummary("One member of the current company.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", AddAsync)
            .WithoutIdempotency()
            .WithName("AddUser")
            .WithSummary("Adds a member: a new account, or an existing one by its e-mail. A generated password is returned once. Only a ceo makes someone ceo.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPatch("/{id:long}", UpdateAsync)
            .WithName("UpdateUser")
            .WithSummary("Changes a member's role (and, for an account of this company only, its name, password or disabled flag). The last active ceo stays ceo.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id:long}", RemoveAsync)
            .WithName("RemoveUser")
            .WithSummary("Removes a member from the current company (the account and its other companies stay). The last active ceo cannot be removed.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<Member>>> ListAsync(ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.ListMembersAsync(caller.CompanyId, cancellationToken));

    private static async Task<Ok<Member>> GetAsync(long id, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.GetMemberAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Created<AddedMember>> AddAsync(AddUserRequest request, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken)
    {
        var added = await users.AddMemberAsync(caller.Identity, request.Email, request.DisplayName, request.Password, request.Role, cancellationToken);
        return TypedResults.Created($"/api/users/{added.Member.Id}", added);
    }

    private static async Task<Ok<Member>> UpdateAsync(long id, UpdateUserRequest request, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.UpdateMemberAsync(caller.Identity, id, new MemberChanges(request.Role, request.DisplayName, request.Password, request.Disabled), cancellationToken));

    private static async Task<NoContent> RemoveAsync(long id, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken)
    {
        await users.RemoveMemberAsync(caller.Identity, id, cancellationToken);
        return TypedResults.NoContent();
    }
}
