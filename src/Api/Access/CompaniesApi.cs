using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Access;

public sealed record CreateCompanyRequest(string? Name, string? Slug);

/// <summary>The companies of the caller; creating one makes the caller its ceo.</summary>
public static class CompaniesApi
{
    public static IEndpointRouteBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/companies").WithTags("Companies");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListCompanies")
            .WithSummary("The companies the caller belongs to, with the caller's role in each.");

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetCompany")
            .WithSummary("One of the caller's companies (404 for any other).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateCompany")
            .WithSummary("Creates a company whose ceo is the caller; POST /api/auth/switch moves the session into it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<CompanyMembership>>> ListAsync(ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.ListCompaniesAsync(caller.UserId, cancellationToken));

    private static async Task<Ok<CompanyMembership>> GetAsync(long id, ICompanyContext caller, UserDirectory users, CancellationToken cancellationToken)
    {
        var companies = await users.ListCompaniesAsync(caller.UserId, cancellationToken);
        return TypedResults.Ok(companies.FirstOrDefault(c => c.Id == id) ?? throw new NotFoundException("Company", id));
    }

    private static async Task<Created<CompanyMembership>> CreateAsync(CreateCompanyRequest request, ICompanyContext caller, CompanyDirectory companies, CancellationToken cancellationToken)
    {
        var company = await companies.CreateAsync(request.Name, request.Slug, caller.UserId, cancellationToken);
        return TypedResults.Created($"/api/companies/{company.Id}", new CompanyMembership(company.Id, company.Name, company.Slug, CompanyRoles.Ceo));
    }
}
